import { checkPluginShape } from './plugin-shape';
import { memoryPlugin } from './test-support/memory-plugin.fixture';

describe('checkPluginShape', () => {
  it('accepts a well-formed plugin and returns the object itself', () => {
    const plugin = memoryPlugin();
    const checked = checkPluginShape(plugin);
    expect(checked).toEqual({ ok: true, value: plugin });
    if (checked.ok) expect(checked.value).toBe(plugin);
  });

  it('accepts a hand-written schema that only has safeParse', () => {
    const plugin = memoryPlugin({
      configSchema: { safeParse: () => ({ success: true, data: {} }) } as never,
    });
    expect(checkPluginShape(plugin).ok).toBe(true);
  });

  it('names every malformed field', () => {
    const checked = checkPluginShape({
      type: 'Has Spaces',
      version: 3,
      capabilities: { ...memoryPlugin().capabilities, resize: 'yes', isolation: 'chroot' },
      configSchema: {},
      checkPlatform: true,
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error.code).toBe('INVALID_CONFIG');
    expect(checked.error.dispatched).toBe(false);
    expect(checked.error.details?.['issues']).toEqual([
      'plugin.type: must match /^[a-z0-9][a-z0-9._-]*$/ (lowercase letters, digits, ".", "_", "-")',
      'plugin.version: must be a string',
      'plugin.description: must be a string',
      'plugin.capabilities.resize: must be a boolean',
      'plugin.capabilities.isolation: must be one of "none", "process", "container", "vm"',
      'plugin.configSchema: must be a schema with a safeParse function',
      'plugin.checkPlatform: must be a function',
      'plugin.create: must be a function',
    ]);
    expect(checked.error.message).toMatch(
      /^invalid plugin: plugin\.type: .*; plugin\.create: must be a function$/,
    );
  });

  it.each([
    ['type', ''],
    ['type', '-leading-dash'],
    ['type', 'UPPER'],
    ['version', ''],
    ['capabilities', null],
    ['configSchema', { parse: () => 1 }],
    ['create', {}],
  ])('rejects plugin.%s = %j', (field, value) => {
    const checked = checkPluginShape({ ...memoryPlugin(), [field]: value });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.message).toContain(`plugin.${field}`);
  });

  it.each([null, undefined, 'tmux', 42, []])('rejects %j as a whole', (value) => {
    const checked = checkPluginShape(value);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.message).toBe('invalid plugin: plugin: must be an object');
  });

  it('reports a plugin whose getters throw instead of throwing', () => {
    const hostile = Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('no peeking');
      },
    });
    const checked = checkPluginShape(hostile);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error.message).toBe('invalid plugin: could not be inspected: no peeking');
  });
});

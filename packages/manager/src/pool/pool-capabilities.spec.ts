import { type BackendCapabilities } from '@vth/core';
import { CAPABILITY_FLAGS } from '@vth/core/kit';
import { commonCapabilities, NO_CAPABILITIES } from './pool-capabilities';

function caps(overrides: Partial<BackendCapabilities>): BackendCapabilities {
  return {
    ...(Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, true])) as Record<string, boolean>),
    isolation: 'process',
    ...overrides,
  } as BackendCapabilities;
}

describe('commonCapabilities', () => {
  const plugins: Record<string, { capabilities: BackendCapabilities }> = {
    pty: { capabilities: caps({ flowControl: true, longCommands: true }) },
    box: { capabilities: caps({ resize: false, isolation: 'container', longCommands: true }) },
    bare: { capabilities: caps({ isolation: 'none', cwdTracking: false }) },
  };
  const pluginOf = (type: string) => plugins[type];

  it('promises only the flags every type has, and the weakest isolation among them', () => {
    const common = commonCapabilities(['pty', 'box', 'bare'], pluginOf);
    expect(common).toMatchObject({ resize: false, cwdTracking: false, interrupt: true, isolation: 'none' });
    expect(commonCapabilities(['box', 'pty'], pluginOf).isolation).toBe('process');
  });

  it('keeps an optional flag only when every type has it', () => {
    expect(commonCapabilities(['pty', 'box'], pluginOf)).toMatchObject({ longCommands: true });
    expect(commonCapabilities(['pty', 'box'], pluginOf)).not.toHaveProperty('flowControl');
    expect(commonCapabilities(['pty'], pluginOf)).toMatchObject({ flowControl: true, longCommands: true });
  });

  it('promises nothing when a type has no plugin, or there are no types', () => {
    expect(commonCapabilities(['pty', 'unknown'], pluginOf)).toBe(NO_CAPABILITIES);
    expect(commonCapabilities([], pluginOf)).toBe(NO_CAPABILITIES);
    expect(NO_CAPABILITIES.isolation).toBe('none');
    expect(CAPABILITY_FLAGS.every((flag) => NO_CAPABILITIES[flag] === false)).toBe(true);
  });
});

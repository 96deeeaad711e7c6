import { type BackendCapabilities, type ITerminalBackend } from '@vth/core';
import { CAPABILITY_FLAGS, OPTIONAL_CAPABILITY_FLAGS } from '@vth/core/kit';
import { registerBackendConformance } from './conformance-suite';
import { type TestApi } from './test-api';

interface RecordedTest {
  title: string;
  skipped: boolean;
  timeout: number | undefined;
}

// Records what the suite registers instead of running it: titles, skips, timeouts.
const registry = { tests: [] as RecordedTest[], path: [] as string[], hooks: {} as Record<string, number> };
const record = (skipped: boolean) => (title: string, _body: unknown, timeout?: number) => {
  registry.tests.push({ title: [...registry.path, title].join(' › '), skipped, timeout });
};
const hook = (name: string) => () => {
  registry.hooks[name] = (registry.hooks[name] ?? 0) + 1;
};
const recorder: TestApi = {
  describe: (name, body) => {
    registry.path.push(name);
    try {
      body();
    } finally {
      registry.path.pop();
    }
  },
  it: record(false),
  skip: record(true),
  beforeAll: hook('beforeAll'),
  afterAll: hook('afterAll'),
  beforeEach: hook('beforeEach'),
  afterEach: hook('afterEach'),
};

const FLAGS = [...CAPABILITY_FLAGS, ...OPTIONAL_CAPABILITY_FLAGS];

const allCapabilities = (overrides: Partial<BackendCapabilities> = {}): BackendCapabilities => ({
  persistentSessions: true,
  multiplePanes: true,
  resize: true,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: true,
  exitCodes: true,
  cwdTracking: true,
  isolation: 'process',
  remote: false,
  flowControl: true,
  longCommands: true,
  ...overrides,
});

function fakeBackend(capabilities: BackendCapabilities) {
  return { capabilities, shutdown: jest.fn(async () => undefined) };
}

function register(options: Partial<Parameters<typeof registerBackendConformance>[1]> = {}) {
  registry.tests.length = 0;
  registry.hooks = {};
  const backend = fakeBackend(allCapabilities());
  registerBackendConformance(recorder, {
    name: 'fake',
    create: () => backend as unknown as ITerminalBackend,
    ...options,
  });
  return registry.tests.slice();
}

describe('registerBackendConformance', () => {
  it('registers every group under "<name> backend conformance", titles unique, the leak check last', () => {
    const tests = register();
    expect(tests.length).toBeGreaterThan(80);
    expect(new Set(tests.map((t) => t.title)).size).toBe(tests.length);
    const groups = [...new Set(tests.map((t) => t.title.split(' › ').slice(0, 2).join(' › ')))];
    expect(groups).toEqual([
      'fake backend conformance › lifecycle',
      'fake backend conformance › sessions',
      'fake backend conformance › exact output',
      'fake backend conformance › exit codes and batches',
      'fake backend conformance › shell state persists between commands',
      'fake backend conformance › input to a running command',
      'fake backend conformance › random command lines agree with bash -c',
      'fake backend conformance › interrupt, timeouts and abort signals',
      'fake backend conformance › large output and long commands',
      'fake backend conformance › command text',
      'fake backend conformance › concurrent calls',
      'fake backend conformance › typed errors',
      'fake backend conformance › capture and resize',
      'fake backend conformance › health, metrics and events',
      "fake backend conformance › the user's own shell settings",
      'fake backend conformance › long commands (yieldAfterMs, readOutput, waitFor)',
      'fake backend conformance › resources',
    ]);
  });

  it('skips nothing for a backend with every capability and every shell feature', () => {
    expect(register().filter((t) => t.skipped)).toEqual([]);
  });

  it.each(FLAGS)('skips exactly the tests that need capabilities.%s when it is false, naming it', (flag) => {
    const backend = fakeBackend(allCapabilities({ [flag]: false }));
    const tests = register({ create: () => backend as unknown as ITerminalBackend });
    const needing = (t: RecordedTest) =>
      /\[requires [^\]]*\]$/.test(t.title) && t.title.includes(`capabilities.${flag}`);
    expect(tests.filter((t) => t.skipped)).toEqual(tests.filter(needing));
  });

  it('skips the interrupt tests when capabilities.interrupt is false', () => {
    const backend = fakeBackend(allCapabilities({ interrupt: false }));
    const skipped = register({ create: () => backend as unknown as ITerminalBackend }).filter(
      (t) => t.skipped,
    );
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    for (const t of skipped) expect(t.title).toContain('[requires capabilities.interrupt]');
  });

  it('skips the bash and incomplete-input checks when shellFeatures turn them off', () => {
    const skipped = register({ shellFeatures: { bash: false, incompleteInput: false } }).filter(
      (t) => t.skipped,
    );
    expect(skipped.length).toBeGreaterThanOrEqual(6);
    for (const t of skipped) expect(t.title).toMatch(/shellFeatures\.(bash|incompleteInput)/);
  });

  it('names shellFeatures.realShell only when it is off, and then skips exactly the tests that need it', () => {
    const plain = register();
    const contractOnly = register({ shellFeatures: { realShell: false } });
    expect(plain.filter((t) => t.title.includes('realShell'))).toEqual([]);
    const skipped = contractOnly.filter((t) => t.skipped);
    expect(skipped.length).toBeGreaterThan(30);
    expect(skipped).toEqual(contractOnly.filter((t) => t.title.includes('shellFeatures.realShell')));
    // The same tests in the same order: only the titles of the skipped ones name the need.
    const unnamed = (title: string) =>
      title
        .replace(' [requires shellFeatures.realShell]', '')
        .replace(/, shellFeatures\.realShell(?=[,\]])/, '');
    expect(contractOnly.map((t) => unnamed(t.title))).toEqual(plain.map((t) => t.title));
    // What stays is the contract: lifecycle, typed errors, hostile arguments, events, metrics.
    const kept = contractOnly.filter((t) => !t.skipped).map((t) => t.title);
    for (const group of ['lifecycle', 'typed errors', 'health, metrics and events', 'sessions']) {
      expect(kept.some((t) => t.includes(`› ${group} ›`))).toBe(true);
    }
  });

  it('multiplies test timeouts by timeoutScale', () => {
    const base = register();
    const scaled = register({ timeoutScale: 3 });
    expect(scaled.map((t) => t.timeout)).toEqual(
      base.map((t) => (t.timeout === undefined ? undefined : t.timeout * 3)),
    );
    expect(base.every((t) => typeof t.timeout === 'number' && t.timeout >= 30_000)).toBe(true);
  });

  it('rejects a timeoutScale that is not a positive number', () => {
    expect(() => register({ timeoutScale: 0 })).toThrow(/timeoutScale/);
    expect(() => register({ timeoutScale: Number.NaN })).toThrow(/timeoutScale/);
  });

  it('registers additionalTests in their own block, before the final leak check', () => {
    const tests = register({
      additionalTests: () => {
        // Registered through the same (recorded) runner functions the suite uses.
        recorder.it('mine', () => undefined);
      },
    });
    const titles = tests.map((t) => t.title);
    const mine = titles.indexOf('fake backend conformance › additional tests › mine');
    expect(mine).toBeGreaterThan(-1);
    expect(titles.findIndex((t) => t.includes('› resources ›'))).toBeGreaterThan(mine);
  });

  it('reads capabilities from a create() instance while collecting, and shuts that instance down', async () => {
    const backend = fakeBackend(allCapabilities());
    const create = jest.fn(() => backend as unknown as ITerminalBackend);
    register({ create });
    expect(create).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(backend.shutdown).toHaveBeenCalledTimes(1);
  });

  it('needs options.capabilities when create() returns a Promise, and then does not call create() to plan', () => {
    const backend = fakeBackend(allCapabilities());
    const create = jest.fn(async () => backend as unknown as ITerminalBackend);
    expect(() => register({ create })).toThrow(/capabilities/);
    create.mockClear();
    const tests = register({ create, capabilities: allCapabilities({ capture: false }) });
    expect(create).not.toHaveBeenCalled();
    expect(tests.filter((t) => t.skipped).every((t) => t.title.includes('capabilities.capture'))).toBe(true);
  });

  it('rejects a backend without well-formed capabilities', () => {
    expect(() =>
      register({ create: () => ({ shutdown: async () => undefined }) as unknown as ITerminalBackend }),
    ).toThrow(/capabilities/);
  });
});

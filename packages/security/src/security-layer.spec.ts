import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePtyBackend } from '@vth/backend-node-pty';
import { type ITerminalBackend } from '@vth/core';
import { expectFailure, expectOk } from '@vth/testkit';
import { MemoryAuditSink } from './audit-sinks';
import { denyPatterns, type CommandPolicy } from './command-policy';
import { DANGEROUS_COMMANDS } from './dangerous-commands';
import { applySecurityLayer, parseSecurityLayer, type SecurityLayerInput } from './security-layer';

jest.setTimeout(30_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vth-layer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let unique = 0;
/** A path no test has used: its existence proves a command ran. */
const marker = () => join(dir, `marker-${process.pid}-${++unique}`);

function layer(input: SecurityLayerInput) {
  const parsed = parseSecurityLayer(input);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** A node-pty backend behind the layer, and one session in `dir`; shut down after `use`. */
async function withLayer(
  input: SecurityLayerInput,
  use: (backend: ITerminalBackend, sessionId: string) => Promise<void>,
): Promise<void> {
  const backend = applySecurityLayer(new NodePtyBackend(), layer(input));
  expectOk(await backend.initialize({}));
  try {
    const s = expectOk(await backend.createSession({ cwd: dir }));
    await use(backend, s.id);
  } finally {
    await backend.shutdown();
  }
}

describe('applySecurityLayer over a real node-pty backend', () => {
  it('enforces command rules from JSON alone: no hook, no rate limit, no audit', async () => {
    const rules = { commands: { rules: [{ name: 'no-touch', program: 'touch', reason: 'read-only here' }] } };
    await withLayer(rules, async (backend, s) => {
      const path = marker();
      const refused = await backend.executeCommand(s, `touch ${path}`);
      const error = expectFailure(refused, 'FORBIDDEN', { dispatched: false });
      expect(error.message).toBe('command refused by policy: no-touch: read-only here');
      // A typed line is checked the same way: an idle shell would run it.
      expectFailure(await backend.sendInput(s, `touch ${path}\n`), 'FORBIDDEN');
      expect(expectOk(await backend.executeCommand(s, 'echo ok')).output).toBe('ok\n');
      expect(existsSync(path)).toBe(false);
    });
  });

  it('names presets: "dangerous" is DANGEROUS_COMMANDS', async () => {
    await withLayer({ commands: { preset: 'dangerous' } }, async (backend, s) => {
      // No such program: harmless if it ran, and `mkfs.*` matches it.
      const refused = await backend.executeCommand(s, 'mkfs.vthtest /dev/sdz');
      expect(expectFailure(refused, 'FORBIDDEN').message).toContain('mkfs');
      expect(expectOk(await backend.executeCommand(s, 'echo fine')).output).toBe('fine\n');
    });
  });

  it('asks the confirm hook when a rule answers confirm', async () => {
    const asked: string[] = [];
    const input: SecurityLayerInput = {
      commands: { rules: [{ name: 'ask-echo', program: 'echo', action: 'confirm' }] },
      confirm: (request) => {
        asked.push(request.command);
        return request.command.includes('yes');
      },
    };
    await withLayer(input, async (backend, s) => {
      expect(expectOk(await backend.executeCommand(s, 'echo yes')).output).toBe('yes\n');
      expectFailure(await backend.executeCommand(s, 'echo no'), 'FORBIDDEN');
      expect(asked).toEqual(['echo yes', 'echo no']);
    });
  });

  it('combines the rules with a policy hook: the stricter answer wins', async () => {
    const noCat: CommandPolicy = denyPatterns([/^cat\b/], 'no cat');
    const input = { commands: { rules: [{ name: 'no-touch', program: 'touch' }] }, policy: noCat };
    await withLayer(input, async (backend, s) => {
      const path = marker();
      expectFailure(await backend.executeCommand(s, `touch ${path}`), 'FORBIDDEN');
      expectFailure(await backend.executeCommand(s, 'cat /dev/null'), 'FORBIDDEN');
      expectOk(await backend.executeCommand(s, 'true'));
      expect(existsSync(path)).toBe(false);
    });
  });

  it('audits to the hook sink with the backend own id and type', async () => {
    const sink = new MemoryAuditSink();
    await withLayer({ auditSink: sink }, async (backend, s) => {
      expectOk(await backend.executeCommand(s, 'true', undefined, { userId: 'alice' }));
      expect(sink.records).toEqual([
        expect.objectContaining({
          backendId: backend.id,
          backendType: 'node-pty',
          userId: 'alice',
          command: 'true',
          outcome: 'completed',
        }),
      ]);
    });
  });

  it('returns the backend itself when the layer turns nothing on', () => {
    const backend = new NodePtyBackend();
    const inert: SecurityLayerInput[] = [
      {},
      { confirm: () => true },
      { input: { untracked: 'deny' } },
      { audit: { redact: false } },
      { rateLimit: {} },
    ];
    for (const input of inert) expect(applySecurityLayer(backend, layer(input))).toBe(backend);
    expect(applySecurityLayer(backend, layer({ commands: { preset: 'dangerous' } }))).not.toBe(backend);
  });
});

describe('parseSecurityLayer', () => {
  it('names every bad path, as INVALID_CONFIG', () => {
    const r = parseSecurityLayer(
      {
        commands: { preset: 'risky', rules: [{ name: 'x', program: 'a/b' }] },
        policy: 'deny everything',
        auditSink: {},
        redact: true,
      },
      'options.security',
    );
    const error = expectFailure(r, 'INVALID_CONFIG');
    expect(error.details?.['issues']).toEqual(
      expect.arrayContaining([
        'options.security.commands.preset: must be a preset ("dangerous") or a list of presets',
        expect.stringMatching(/^options\.security\.commands\.rules\[0\]\.program: /),
        'options.security.policy: must be a function (policy)',
        'options.security.auditSink: must be an audit sink (an object with write(record))',
        'options.security.redact: must be a function (redact) or false',
      ]),
    );
  });

  it('refuses an empty commands section and more rules than a policy takes', () => {
    const empty = expectFailure(parseSecurityLayer({ commands: {} }), 'INVALID_CONFIG');
    expect(empty.details?.['issues']).toEqual(['security.commands: must name a preset or at least one rule']);
    const rules = Array.from({ length: 1000 }, (_, i) => ({ name: `r${i}`, program: `p${i}` }));
    const many = expectFailure(
      parseSecurityLayer({ commands: { preset: 'dangerous', rules } }),
      'INVALID_CONFIG',
    );
    expect(many.details?.['issues']).toEqual([
      `security.commands.rules: must be at most ${1000 - DANGEROUS_COMMANDS.length} rules beside the presets' ${DANGEROUS_COMMANDS.length}`,
    ]);
    expect(parseSecurityLayer({ commands: { preset: ['dangerous'], unanalysable: 'deny' } }).ok).toBe(true);
  });
});

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { plugin as remotePlugin } from '@vth/backend-remote';
import { type BackendResult, type CommandExecution } from '@vth/core';
import { BackendFactory } from '@vth/factory';
import { BackendManager, type SessionMigratedEvent } from '@vth/manager';
import { expectOk, pollUntil } from '@vth/testkit';
import { closeOpenLabs, MultiHostLab } from './multi-host-lab';
import { describeWithNetns } from './netns-network';

const HOSTS = 3;
const SESSIONS = 30;
/** Generous bounds on waits for a condition; they bound a hung run, they are not performance claims. */
const WAIT_MS = 60_000;

type Loss = 'kill' | 'cut';

interface Ledger {
  /** `"<session> <command no>"` → how many hosts' ledgers hold that line (each command writes one). */
  counts: Map<string, number>;
}

/** Every command appends `<session> <no> ...` to `$HOST_TMP/ledger` of the host it ran on. */
function readLedgers(lab: MultiHostLab): Ledger {
  const counts = new Map<string, number>();
  for (const server of lab.servers) {
    const file = path.join(server.tmpDir, 'ledger');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const key = line.split(' ').slice(0, 2).join(' ');
      if (key.includes(' ')) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { counts };
}

function perHost(manager: BackendManager, sessions: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 1; i <= HOSTS; i++) counts[`host${i}`] = 0;
  for (const id of sessions) {
    const at = manager.backendOf(id) ?? 'none';
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}

/**
 * 30 sessions over three hosts, each with a cwd and a variable set by a command; host 1 is lost while each
 * of its sessions runs a command; its sessions move to the other hosts with cwd and variable; no command
 * runs twice and none is lost.
 */
async function loseAHost(loss: Loss): Promise<void> {
  const lab = await MultiHostLab.create({ hosts: HOSTS });
  const manager = new BackendManager({ factory: new BackendFactory({ plugins: [remotePlugin] }) });
  try {
    expectOk(
      await manager.initialize({
        backends: lab.servers.map((server, i) => ({
          type: 'remote',
          id: `host${i + 1}`,
          config: { url: server.url, token: lab.token },
        })),
        strategy: 'round-robin',
      }),
    );

    // The working directories are on storage every host sees (here: this machine's /tmp).
    const sessions: string[] = [];
    const dirs = new Map<string, string>();
    for (let i = 0; i < SESSIONS; i++) {
      const s = expectOk(await manager.createSession());
      const dir = path.join(lab.dir, 'work', `s${i}`);
      mkdirSync(dir, { recursive: true });
      dirs.set(s.id, dir);
      sessions.push(s.id);
      const first = expectOk(
        await manager.executeCommand(
          s.id,
          `cd '${dir}' && export VTH_MARK=mark-${i} && echo "${s.id} 1 $VTH_MARK $PWD" >> "$HOST_TMP/ledger"`,
        ),
      );
      expect(first.exitCode).toBe(0);
    }
    const before = perHost(manager, sessions);
    expect(before).toEqual({ host1: 10, host2: 10, host3: 10 });

    const victim = 'host1';
    const victimServer = lab.servers[0]!;
    const onVictim = sessions.filter((id) => manager.backendOf(id) === victim);
    let detectedAt: number | undefined;
    const migratedAt = new Map<string, number>();
    const migrated: SessionMigratedEvent[] = [];
    manager.on('backend-health-changed', (e) => {
      if (e.backendId === victim && e.current.status !== 'healthy') detectedAt ??= performance.now();
    });
    manager.on('failover', (e) => {
      if (e.from === victim) detectedAt ??= performance.now();
    });
    manager.on('session-migrated', (e) => {
      if (e.from === victim) {
        migratedAt.set(e.sessionId, performance.now());
        migrated.push(e);
      }
    });

    // A command in flight on every session of the lost host: it writes its line, then keeps running.
    const inFlight = onVictim.map((id) =>
      manager.executeCommand(id, `echo "${id} 2 $VTH_MARK $PWD" >> "$HOST_TMP/ledger"; sleep 600`),
    );
    const started = await pollUntil(
      () => readLedgers(lab).counts,
      (counts) => onVictim.every((id) => counts.get(`${id} 2`) === 1),
      { timeoutMs: WAIT_MS },
    );
    expect(onVictim.filter((id) => started.get(`${id} 2`) !== 1)).toEqual([]);

    const lostAt = performance.now();
    if (loss === 'kill') await victimServer.kill('SIGKILL');
    else await lab.network.cutLink(victimServer.host);

    // The calls in flight answer honestly: they may have run (they did), so they are not run again.
    const answers: Array<BackendResult<CommandExecution>> = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(['BACKEND_CRASHED', 'UNAVAILABLE']).toContain(answer.error.code);
        expect(answer.error.dispatched).toBe(true);
      }
    }
    const moved = await pollUntil(
      () => onVictim.filter((id) => manager.backendOf(id) !== victim && migratedAt.has(id)),
      (done) => done.length === onVictim.length,
      { timeoutMs: WAIT_MS },
    );
    expect(moved).toHaveLength(onVictim.length);
    for (const e of migrated) expect(e).toMatchObject({ cwd: dirs.get(e.sessionId), untracked: [] });

    // Every session, moved or not, still has its cwd and variable, and keeps working.
    for (const [i, id] of sessions.entries()) {
      const run = expectOk(
        await manager.executeCommand(
          id,
          `echo "${id} 3 $VTH_MARK $PWD" >> "$HOST_TMP/ledger"; echo "$VTH_MARK $PWD"`,
        ),
      );
      expect(run.output).toBe(`mark-${i} ${dirs.get(id)}\n`);
    }
    const after = perHost(manager, sessions);
    expect(after[victim]).toBe(0);
    expect(after.host2! + after.host3!).toBe(SESSIONS);

    // Each command ran exactly once: command 1 and 3 everywhere, command 2 on the lost host's sessions.
    const { counts } = readLedgers(lab);
    const expected = [
      ...sessions.flatMap((id) => [`${id} 1`, `${id} 3`]),
      ...onVictim.map((id) => `${id} 2`),
    ];
    const lost = expected.filter((key) => !counts.has(key));
    const twice = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    expect(counts.size).toBe(expected.length);

    const lastMove = Math.max(...migratedAt.values());
    console.log(
      `${loss === 'kill' ? 'server killed (SIGKILL)' : 'link cut (ip link set down, half-open)'}: ` +
        `sessions per host before ${JSON.stringify(before)}, after ${JSON.stringify(after)}; ` +
        `detected after ${((detectedAt ?? NaN) - lostAt).toFixed(0)} ms, ` +
        `${onVictim.length} sessions moved, the last ${(lastMove - lostAt).toFixed(0)} ms after the loss; ` +
        `commands run twice: ${twice.length}, commands lost: ${lost.length}`,
    );
  } finally {
    await manager.shutdown();
    expect(await lab.close()).toEqual([]);
  }
}

describeWithNetns('a pool of remote backends over three hosts (network namespaces running vth serve)', () => {
  afterAll(async () => {
    expect(await closeOpenLabs()).toEqual([]);
  });

  it('a host whose server is killed (SIGKILL): its sessions move with cwd and env, no command runs twice', async () => {
    await loseAHost('kill');
  }, 120_000);

  it('a host whose link is cut (half-open, found by heartbeats): its sessions move, no command runs twice', async () => {
    await loseAHost('cut');
  }, 120_000);
});

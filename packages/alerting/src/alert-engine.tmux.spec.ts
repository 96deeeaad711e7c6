import { execFileSync } from 'node:child_process';
import { listTmuxProcesses, plugin as tmux, type TmuxBackend } from '@vth/backend-tmux';
import { BackendFactory } from '@vth/factory';
import { BackendManager } from '@vth/manager';
import { expectOk } from '@vth/testkit';
import { type Alert } from './alert';
import { AlertEngine } from './alert-engine';
import { MemoryAlertSink } from './sinks/memory-sink';
import { ManualClock } from './testing/manual-clock';

describe('AlertEngine on a manager of real tmux backends', () => {
  jest.setTimeout(60_000);

  it('a killed tmux server fires backend-unhealthy and pool-below once, and both resolve once it is back', async () => {
    const manager = new BackendManager({ factory: new BackendFactory({ plugins: [tmux] }) });
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const memory = new MemoryAlertSink();
    const engine = expectOk(
      AlertEngine.create({
        clock,
        sinks: [memory],
        config: {
          rules: [
            { kind: 'backend-unhealthy', forMs: 10_000, resolveAfterMs: 10_000 },
            { kind: 'pool-below', minHealthy: 2, forMs: 0, resolveAfterMs: 10_000 },
          ],
        },
      }),
    );
    const sockets = new Set<string>();
    const socketOf = (id: string): string => {
      const socket = (manager.instanceOf(id) as TmuxBackend).socket;
      sockets.add(socket);
      return socket;
    };
    try {
      expectOk(
        await manager.initialize({
          backends: [
            { type: 'tmux', id: 't1' },
            { type: 'tmux', id: 't2' },
          ],
          // Probes run when the test says (`probeNow`); one failure ejects, one pass brings back.
          probe: { enabled: false, timeoutMs: 5_000 },
          health: { consecutiveFailures: 1, baseEjectionMs: 0, recoveryProbes: 1, maxEjectionPercent: 100 },
        }),
      );
      expectOk(engine.attach(manager));
      await manager.probeNow();
      const s = expectOk(await manager.createSession());
      expect(expectOk(await manager.executeCommand(s.id, 'cd /tmp && echo up')).output).toBe('up\n');
      expect(manager.backendOf(s.id)).toBe('t1');
      socketOf('t2');
      const killed = socketOf('t1');

      execFileSync('tmux', ['-S', killed, 'kill-server']);
      // The next probes find it dead: out of rotation (and, holding no session, rebuilt on a new server).
      for (let i = 0; i < 50 && !manager.backends().find((b) => b.id === 't1')!.ejected; i++)
        await manager.probeNow();
      expect(manager.backends().find((b) => b.id === 't1')!.ejected).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      const poolAlert = engine.active().find((a) => a.rule === 'pool-below');
      expect(poolAlert?.summary).toBe('pool main: 1 of 2 backends healthy (minimum 2)');
      expect(engine.active().map((a) => a.rule)).toEqual(['pool-below']);

      clock.advance(10_000);
      const down = engine.active().find((a) => a.rule === 'backend-unhealthy') as Alert;
      expect(down).toMatchObject({
        state: 'firing',
        summary: 'backend t1 (tmux) unhealthy for 10 s',
        labels: { backend: 't1', type: 'tmux', group: 'main', alertname: 'BackendUnhealthy' },
      });
      expect(down.description).toMatch(/^backend t1 \(tmux\) is ejected from rotation: /);

      // Back: a passing probe on the rebuilt backend returns it to rotation.
      for (let i = 0; i < 50 && manager.backends().find((b) => b.id === 't1')!.ejected; i++)
        await manager.probeNow();
      expect(manager.backends().find((b) => b.id === 't1')!.ejected).toBe(false);
      socketOf('t1');
      await new Promise((resolve) => setImmediate(resolve));
      expect(engine.resolved()).toEqual([]);
      clock.advance(10_000);
      expect(engine.active()).toEqual([]);
      expect(
        engine
          .resolved()
          .map((a) => [a.rule, a.resolution])
          .sort(),
      ).toEqual([
        ['backend-unhealthy', 'clear for 10 s'],
        ['pool-below', 'clear for 10 s'],
      ]);
      // Each fired once and resolved once.
      expect(memory.alerts.map((a) => `${a.rule} ${a.state}`).sort()).toEqual([
        'backend-unhealthy firing',
        'backend-unhealthy resolved',
        'pool-below firing',
        'pool-below resolved',
      ]);
      // The session the dead server held was moved to t2, with its working directory.
      expect(expectOk(await manager.executeCommand(s.id, 'pwd')).output).toBe('/tmp\n');
      expect(manager.backendOf(s.id)).toBe('t2');
    } finally {
      await engine.shutdown();
      await manager.shutdown();
    }
    expect(listTmuxProcesses(sockets)).toEqual([]);
  });
});

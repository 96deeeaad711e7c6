import { expectOk } from '@vth/testkit';
import { docker, IMAGE, until } from '../test/docker-cli';
import { EngineProxy } from '../test/engine-proxy';
import { ContainerBackend } from './container-backend';
import { LABELS } from './container-spec';
import { EngineClient } from './engine-client';
import { parseDockerHost } from './engine-endpoint';
import { engineForeground } from './engine-foreground';

jest.setTimeout(90_000);

// An engine reached over tcp:// is remote as far as the backend knows: this host's /proc is not used, so
// every signal and foreground check goes through the engine (as for vth in a PID namespace of its own).
describe('the terminal foreground of a container reached through the engine (tcp://)', () => {
  const proxy = new EngineProxy();
  let backend: ContainerBackend;
  let engine: EngineClient;
  beforeAll(async () => {
    await proxy.start();
    const host = `tcp://127.0.0.1:${proxy.port}`;
    backend = new ContainerBackend({ image: IMAGE, host, interruptGraceMs: 500, killGraceMs: 300 });
    expectOk(await backend.initialize({}));
    engine = new EngineClient({ endpoint: parseDockerHost(host)!, timeoutMs: 10_000, backendId: 'fg-test' });
  });
  afterAll(async () => {
    engine.close();
    await backend.shutdown();
    await proxy.stop();
  });

  const containerOf = (sessionId: string): string =>
    docker('ps', '-q', '--no-trunc', '--filter', `label=${LABELS.session}=${sessionId}`);

  /** Runs `command`, and once it printed `ready`, calls `then` while it still runs. */
  async function whileRunning<T>(sessionId: string, command: string, then: () => Promise<T>) {
    let printed = '';
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const running = backend.executeCommand(sessionId, command, undefined, {
      timeoutMs: 60_000,
      onOutput: (chunk) => {
        printed += chunk;
        if (printed.includes('ready')) ready();
      },
    });
    await isReady;
    const during = await then();
    return { during, execution: expectOk(await running) };
  }

  it('ends a command that ignores Ctrl-C and SIGINT with SIGTERM, and the session goes on', async () => {
    const s = expectOk(await backend.createSession());
    const { execution } = await whileRunning(s.id, `bash -c "trap '' INT; echo ready; sleep 30"`, async () =>
      expectOk(await backend.interrupt(s.id)),
    );
    expect(execution.status).toBe('interrupted');
    expect(execution.output).toMatch(/^ready\n/); // and bash's word for how the job ended
    expect(expectOk(await backend.executeCommand(s.id, 'echo alive')).output).toBe('alive\n');
  });

  it('re-arms a shell that replaced its own (`exec bash`): the command completes, the next ones are exact', async () => {
    const s = expectOk(await backend.createSession());
    const replaced = expectOk(
      await backend.executeCommand(s.id, 'exec bash', undefined, { timeoutMs: 30_000 }),
    );
    expect(replaced.status).toBe('completed');
    expect(expectOk(await backend.executeCommand(s.id, 'echo after-exec')).output).toBe('after-exec\n');
    expect(expectOk(await backend.executeCommand(s.id, 'false')).exitCode).toBe(1);
  });

  it("answers for the session's shell, not for a younger process that looks like one", async () => {
    const s = expectOk(await backend.createSession());
    // A process of the tenant's, in a session of its own, orphaned and so reparented to the container's init
    // like the shell.
    expectOk(await backend.executeCommand(s.id, '(setsid sleep 300 &)'));
    const container = containerOf(s.id);
    expect(container).toMatch(/^[0-9a-f]{64}$/);
    const fg = engineForeground(engine, container);
    const impostorAlive = () => docker('top', container, '-o', 'pid,args').includes('sleep 300');
    expect(await until(impostorAlive)).toBe(true);
    // At the prompt: the shell holds its terminal, and there is nothing to signal.
    expect(await fg.shellInForeground()).toBe(true);
    expect(await fg.signalForeground('SIGKILL')).toBe(false);
    expect(impostorAlive()).toBe(true);
    // While a job runs: it holds the terminal (bash hands it over before the job's exec), and it alone is
    // signalled.
    const { during, execution } = await whileRunning(s.id, 'echo ready; sleep 30', async () => {
      expect(await until(() => docker('top', container, '-o', 'pid,args').includes('sleep 30'))).toBe(true);
      return { held: !(await fg.shellInForeground()), sent: await fg.signalForeground('SIGINT') };
    });
    expect(during).toEqual({ held: true, sent: true });
    expect(execution.exitCode).toBe(130);
    expect(impostorAlive()).toBe(true);
  });

  it('answers false, without queueing, while a call for the same container is under way', async () => {
    const s = expectOk(await backend.createSession());
    const fg = engineForeground(engine, containerOf(s.id));
    const [first, second] = await Promise.all([fg.shellInForeground(), fg.shellInForeground()]);
    expect([first, second]).toEqual([true, false]);
    expect(await fg.shellInForeground()).toBe(true);
  });

  it('answers a session that asks for foreground checks in a loop from a small budget, then false at once', async () => {
    const s = expectOk(await backend.createSession());
    let now = 1_000_000;
    const fg = engineForeground(engine, containerOf(s.id), () => now);
    const answers: boolean[] = [];
    for (let i = 0; i < 5; i++) answers.push(await fg.shellInForeground());
    expect(answers).toEqual([true, true, true, false, false]);
    now += 3000; // the window has passed
    expect(await fg.shellInForeground()).toBe(true);
    // Signals are vth's own escalation steps: not charged to that budget.
    expect(await fg.signalForeground('SIGINT')).toBe(false);
  });
});

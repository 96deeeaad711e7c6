import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli-process.fixture';

/** A real `vth serve` on a free port, for the client commands' specs. */
export interface ServedCli {
  url: string;
  /** Creates a session through the HTTP API and returns its id. */
  createSession(): Promise<string>;
  /** SIGTERM, then resolves once the server process has exited (it ends every session first). */
  stop(): Promise<void>;
  /** The server process's pid. */
  pid: number;
  /** Sends `signal` (SIGKILL: a crash, nothing ended first), then resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `vth serve --port <port>` (default 0: a free one) and resolves when it printed its URL. */
export function serveCli(env: Record<string, string> = {}, port = 0): Promise<ServedCli> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const kill = async (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    };
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('exit', (code) => reject(new Error(`vth serve exited (${code}) before listening: ${stderr}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^(http:\/\/\S+)\n/.exec(stdout);
      if (!line) return;
      const url = line[1]!;
      resolve({
        url,
        async createSession() {
          const response = await fetch(`${url}/v1/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `spec-${Math.random()}` },
            body: '{}',
          });
          const body = (await response.json()) as { ok: boolean; value: { id: string } };
          if (!body.ok) throw new Error(`session.create failed: ${JSON.stringify(body)}`);
          return body.value.id;
        },
        stop: () => kill('SIGTERM'),
        pid: child.pid!,
        kill,
      });
    });
  });
}

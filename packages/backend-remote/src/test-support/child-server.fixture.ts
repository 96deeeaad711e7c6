import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A `vth serve` in its own process (see serve-child.fixture.cjs): `kill()` is a crash (SIGKILL). */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startChildServer(): Promise<ChildServer> {
  const child = spawn(process.execPath, [join(__dirname, 'serve-child.fixture.cjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before listening`)));
  });
  lines.close();
  return {
    url,
    child,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

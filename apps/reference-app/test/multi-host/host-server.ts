import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hashToken } from '@vth/server';
import { CLI, TAG_VARIABLE } from '../../src/test-support/cli-process.fixture';
import { type NetnsHost } from './netns-network';

export interface HostServerOptions {
  /** The bearer token the manager uses; the server keeps only its SHA-256. */
  token: string;
  /** A directory of this host's own: its config file, and `tmp/`, exported to sessions as `HOST_TMP`. */
  dir: string;
  /** Set in the server's environment, so in every shell it starts: leftover processes are found by it. */
  tag: string;
  /** Extra keys of the server section (heartbeat, say). */
  server?: Record<string, unknown>;
}

/**
 * `vth serve` (the reference app's built CLI) inside a host's namespace, bound to the host's address
 * (so tokens are required), over node-pty. Resolves once it prints its URL.
 */
export class HostServer {
  private exited: Promise<void>;

  private constructor(
    readonly host: NetnsHost,
    readonly url: string,
    /** The directory sessions on this host get as `HOST_TMP`. */
    readonly tmpDir: string,
    private readonly child: ChildProcess,
  ) {
    this.exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(host: NetnsHost, options: HostServerOptions): Promise<HostServer> {
    const tmpDir = path.join(options.dir, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const configFile = path.join(options.dir, 'vth.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        defaultBackend: 'node-pty',
        backends: { 'node-pty': { env: { HOST_TMP: tmpDir }, cwd: tmpDir } },
        server: {
          host: host.address,
          port: 7700,
          auth: {
            tokens: [{ id: 'manager', userId: 'manager', role: 'admin', sha256: hashToken(options.token) }],
          },
          ...options.server,
        },
        dashboard: { enabled: false },
      }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, [TAG_VARIABLE]: options.tag };
    for (const name of ['VTH_CONFIG', 'VTH_BACKEND', 'VTH_TIMEOUT_MS', 'VTH_PLUGINS_FROM']) delete env[name];
    // `ip netns exec` execs the command in place: the child's pid is the server's.
    const child = spawn(
      'ip',
      ['netns', 'exec', host.netns, process.execPath, CLI, '--config', configFile, 'serve'],
      { env, cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`vth serve in ${host.netns} printed no URL in 30 s; stderr: ${stderr}`));
      }, 30_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const line = /^(https?:\/\/\S+)\n/m.exec(stdout);
        if (line?.[1]) {
          clearTimeout(timer);
          resolve(line[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`vth serve in ${host.netns} exited (${code ?? signal}) before serving: ${stderr}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new HostServer(host, url, tmpDir, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends `signal` to the server process and waits until it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

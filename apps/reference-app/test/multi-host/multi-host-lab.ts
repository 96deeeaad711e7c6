import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { leftoverProcesses } from '../../src/test-support/cli-process.fixture';
import { HostServer } from './host-server';
import { NetnsNetwork, type NetnsHost } from './netns-network';

export interface MultiHostLabOptions {
  hosts: number;
  /** Extra keys of every server's `server` section. */
  server?: Record<string, unknown>;
}

/** Labs not closed yet: `closeOpenLabs` (in an `afterAll`) closes them even when a test failed badly. */
const open = new Set<MultiHostLab>();

/**
 * Several hosts on this machine: network namespaces (`NetnsNetwork`), each running `vth serve` over
 * node-pty on its own address with a token, and a directory per host. `close()` undoes all of it and
 * reports anything left over: call it in a `finally`, and `closeOpenLabs()` in an `afterAll`.
 *
 * @example
 * ```ts
 * const lab = await MultiHostLab.create({ hosts: 3 });
 * try {
 *   // lab.servers[i].url, lab.token
 * } finally {
 *   expect(await lab.close()).toEqual([]);
 * }
 * ```
 */
export class MultiHostLab {
  readonly token = randomBytes(32).toString('base64url');
  /** In every server's environment and so in every shell: finds leftover processes. */
  readonly tag = randomBytes(8).toString('hex');
  readonly servers: HostServer[] = [];
  private closing: Promise<string[]> | undefined;

  private constructor(
    readonly network: NetnsNetwork,
    readonly dir: string,
  ) {
    open.add(this);
  }

  static async create(options: MultiHostLabOptions): Promise<MultiHostLab> {
    const network = await NetnsNetwork.create(options.hosts);
    const lab = new MultiHostLab(network, mkdtempSync(path.join(tmpdir(), `vth-hosts-${process.pid}-`)));
    try {
      const started = await Promise.all(
        network.hosts.map((host) =>
          HostServer.start(host, {
            token: lab.token,
            dir: path.join(lab.dir, `host${host.index}`),
            tag: lab.tag,
            ...(options.server ? { server: options.server } : {}),
          }),
        ),
      );
      lab.servers.push(...started);
    } catch (error) {
      await lab.close();
      throw error;
    }
    return lab;
  }

  get hosts(): NetnsHost[] {
    return this.network.hosts;
  }

  /** Kills the servers and everything in the namespaces, removes them and the directories, then reports
   *  what is left: namespaces, links or processes of this lab (`[]` when clean). Idempotent. */
  close(): Promise<string[]> {
    this.closing ??= this.teardown();
    return this.closing;
  }

  private async teardown(): Promise<string[]> {
    open.delete(this);
    await Promise.all(this.servers.map((s) => s.kill('SIGKILL')));
    const left = await this.network.close();
    rmSync(this.dir, { recursive: true, force: true });
    return [...left, ...leftoverProcesses(this.tag).map((p) => `process ${p}`)];
  }
}

/** Closes every lab still open; for `afterAll`, after a test that could not reach its `finally`. */
export async function closeOpenLabs(): Promise<string[]> {
  const left = await Promise.all([...open].map((lab) => lab.close()));
  return left.flat();
}

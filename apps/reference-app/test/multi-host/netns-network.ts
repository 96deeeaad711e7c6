import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs `ip ...args` and returns its stdout; a failure rejects with ip's own message. */
export async function ip(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('ip', args, { encoding: 'utf8' });
  return stdout;
}

/** Whether this process can build network namespaces: root and iproute2's `ip`. */
export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (ip netns, veth pairs)' };
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: 'needs iproute2 (the `ip` command; apt-get install iproute2)' };
  }
  return { ok: true };
}

/**
 * `describe` when this process can build network namespaces, else `describe.skip` with the reason on
 * stderr: the multi-host specs need root and `ip`, which CI has.
 */
export function describeWithNetns(name: string, body: () => void): void {
  const support = netnsSupport();
  if (support.ok) return describe(name, body);
  console.warn(`skipped "${name}": ${support.reason}`);
  describe.skip(name, body);
}

/** One "host": a network namespace joined to the root namespace by its own veth pair. */
export interface NetnsHost {
  /** 1-based. */
  index: number;
  /** The namespace's name (`ip netns`). */
  netns: string;
  /** The host's address, inside its namespace. */
  address: string;
  /** The root namespace's address on the host's link (where the manager's traffic comes from). */
  peerAddress: string;
  /** The veth end in the root namespace. */
  rootLink: string;
  /** The veth end inside the host's namespace. */
  hostLink: string;
}

/** The private range the hosts live in: one /24 per network, one /30 per host inside it. */
const RANGE = '10.213';
let networksMade = 0;

/**
 * Network namespaces as hosts on this machine, each joined to the root namespace by a veth pair on a /30
 * of its own: the root namespace reaches every host directly; hosts do not reach each other (no
 * forwarding, no default route). Nothing else is touched: no route of the machine, no iptables, no
 * existing interface. Names carry the process id and a counter, so concurrent runs never share one.
 */
export class NetnsNetwork {
  private closed = false;

  private constructor(
    readonly hosts: NetnsHost[],
    private readonly prefix: string,
  ) {}

  /** Builds `count` hosts; on any failure, removes what it built and rejects. */
  static async create(count: number): Promise<NetnsNetwork> {
    const prefix = `v${process.pid}${String.fromCharCode(97 + (networksMade++ % 26))}`;
    const subnet = await freeSubnet();
    const hosts: NetnsHost[] = [];
    for (let index = 1; index <= count; index++) {
      hosts.push({
        index,
        netns: `${prefix}h${index}`,
        address: `${subnet}.${4 * index + 2}`,
        peerAddress: `${subnet}.${4 * index + 1}`,
        rootLink: `${prefix}r${index}`,
        hostLink: `${prefix}n${index}`,
      });
    }
    const network = new NetnsNetwork(hosts, prefix);
    try {
      for (const h of hosts) {
        await ip('netns', 'add', h.netns);
        await ip('link', 'add', h.rootLink, 'type', 'veth', 'peer', 'name', h.hostLink, 'netns', h.netns);
        await ip('addr', 'add', `${h.peerAddress}/30`, 'dev', h.rootLink);
        await ip('link', 'set', h.rootLink, 'up');
        await ip('-n', h.netns, 'addr', 'add', `${h.address}/30`, 'dev', h.hostLink);
        await ip('-n', h.netns, 'link', 'set', h.hostLink, 'up');
        await ip('-n', h.netns, 'link', 'set', 'lo', 'up');
      }
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /**
   * Cuts a host's link (`ip link set down` on its end): no FIN, no RST, packets just stop, so every TCP
   * connection to it is left half-open.
   */
  async cutLink(host: NetnsHost): Promise<void> {
    await ip('-n', host.netns, 'link', 'set', host.hostLink, 'down');
  }

  /** Pids of the processes inside a host's namespace. */
  async pids(host: NetnsHost): Promise<number[]> {
    try {
      return (await ip('netns', 'pids', host.netns))
        .split('\n')
        .filter((line) => /^\d+$/.test(line.trim()))
        .map(Number);
    } catch {
      return []; // the namespace is gone
    }
  }

  /**
   * Kills every process left in the hosts' namespaces (they are this run's: the names are unique to it),
   * deletes the namespaces (which takes their veth ends, and so the pairs, with them) and any root end
   * left, then reports what is still there: `[]` when clean. Safe to call twice.
   */
  async close(): Promise<string[]> {
    if (!this.closed) {
      this.closed = true;
      for (const h of this.hosts) {
        for (const pid of await this.pids(h)) killQuietly(pid);
        await waitGone(() => this.pids(h));
        await ip('netns', 'del', h.netns).catch(() => undefined);
        await ip('link', 'del', h.rootLink).catch(() => undefined);
      }
    }
    return this.leftovers();
  }

  /** Namespaces and links of this network that still exist (found by the run's unique name prefix). */
  async leftovers(): Promise<string[]> {
    const namespaces = (await ip('netns', 'list'))
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name.startsWith(this.prefix));
    const links = [...(await ip('-o', 'link', 'show')).matchAll(/^\d+: ([^@:\s]+)/gm)]
      .map((m) => m[1] ?? '')
      .filter((name) => name.startsWith(this.prefix));
    return [...namespaces.map((n) => `netns ${n}`), ...links.map((l) => `link ${l}`)];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Polls until `read` answers no pids (SIGKILL is not instant), for at most 10 s. */
async function waitGone(read: () => Promise<number[]>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await read()).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A `10.213.x` /24 that no address or route of this machine uses yet, starting from one the pid picks. */
async function freeSubnet(): Promise<string> {
  const used = (await ip('-4', '-o', 'addr', 'show')) + (await ip('-4', 'route', 'show', 'table', 'all'));
  for (let i = 0; i < 256; i++) {
    const x = (process.pid + networksMade * 37 + i) % 256;
    if (!used.includes(`${RANGE}.${x}.`)) return `${RANGE}.${x}`;
  }
  throw new Error(`no free /24 left in ${RANGE}.0.0/16`);
}

/**
 * The named opt-ins that weaken a session's sandbox. A configuration that weakens it without naming the
 * opt-in in `unsafe` is refused (`INVALID_CONFIG` saying which one it needs); the opt-ins given show in
 * `getHealth().details.unsafe`, so an operator sees them.
 */
export const UNSAFE_OPT_INS = {
  /** `network`: a network name (`bridge`, `default`, a user-defined network): the session reaches the network. */
  network: 'the session can reach the network, and whatever it can reach',
  /** `network: 'host'`: the host's own interfaces, its loopback services and its network namespace. */
  'host-network': "the session shares the host's network interfaces and its loopback services",
  /** `network: 'container:<name>'`: another container's network namespace (and what listens in it). */
  'container-network': "the session joins another container's network namespace",
  /** `capAdd`: capabilities back (all are dropped otherwise). */
  capabilities: 'the session gets Linux capabilities back',
  /** `user` uid 0 or gid 0 (or `root`). */
  'root-user': 'the session runs as root (uid 0) or in the root group (gid 0)',
  /** `user: ''`, a user name, or a uid with no gid: the image decides who runs (root, often). */
  'image-user': "the image decides the session's user or group, which can be root",
  /** `noNewPrivileges: false`: setuid/setgid binaries gain privileges. */
  'new-privileges': 'setuid and setgid binaries in the image gain privileges',
  /** `readOnlyRootfs: false`: the image's files can be changed, and writes fill the engine's disk, unbounded. */
  'writable-rootfs': "the session can change the image's files and fill the engine's disk",
  /** Image `VOLUME`s as Docker makes them: anonymous volumes on the engine's disk, unbounded (else a tmpfs). */
  'image-volumes': "the image's VOLUME paths are volumes on the engine's disk, unbounded",
} as const;

export type UnsafeOptIn = keyof typeof UNSAFE_OPT_INS;

/** A setting that weakens the sandbox, and the opt-in it needs. */
export interface Weakening {
  optIn: UnsafeOptIn;
  /** The config field. */
  path: string;
  /** What the setting does, for the error message. */
  what: string;
}

/** Network modes vth knows; anything else (Podman's `ns:<path>`, ...) is refused outright. */
export const NETWORK_MODE = /^(none|host|container:[a-zA-Z0-9][a-zA-Z0-9_.-]*|[a-zA-Z0-9][a-zA-Z0-9_.-]*)$/;

/** `uid:gid`, `uid`, `name`, `name:group`, or `""` (the image's user). */
export const USER_SPEC =
  /^(|[0-9]{1,10}|[a-z_][a-z0-9_.-]{0,31}\$?)(:([0-9]{1,10}|[a-z_][a-z0-9_.-]{0,31}))?$/;

/**
 * Every way the given settings weaken the default sandbox (no network, no capabilities, no new privileges,
 * a read-only root, a non-root user with a non-root group), each with the opt-in it needs.
 *
 * @example
 * ```ts
 * sandboxWeakenings({ network: 'host', capAdd: [], user: '0:0', noNewPrivileges: true, readOnlyRootfs: true });
 * // [{ optIn: 'host-network', path: 'network', ... }, { optIn: 'root-user', path: 'user', ... }]
 * ```
 */
export function sandboxWeakenings(cfg: {
  network: string;
  capAdd: readonly string[];
  user: string;
  noNewPrivileges: boolean;
  readOnlyRootfs: boolean;
}): Weakening[] {
  const found: Weakening[] = [];
  if (cfg.network === 'host') {
    found.push({
      optIn: 'host-network',
      path: 'network',
      what: `"host" shares the host's network interfaces`,
    });
  } else if (cfg.network.startsWith('container:')) {
    found.push({
      optIn: 'container-network',
      path: 'network',
      what: `"${cfg.network}" joins that container's network namespace`,
    });
  } else if (cfg.network !== 'none' && NETWORK_MODE.test(cfg.network)) {
    found.push({
      optIn: 'network',
      path: 'network',
      what: `"${cfg.network}" lets the session reach the network`,
    });
  }
  if (cfg.capAdd.length > 0) {
    found.push({ optIn: 'capabilities', path: 'capAdd', what: `gives back ${cfg.capAdd.join(', ')}` });
  }
  const user = userWeakening(cfg.user);
  if (user) found.push(user);
  if (!cfg.noNewPrivileges) {
    found.push({
      optIn: 'new-privileges',
      path: 'noNewPrivileges',
      what: 'false lets setuid binaries gain privileges',
    });
  }
  if (!cfg.readOnlyRootfs) {
    found.push({
      optIn: 'writable-rootfs',
      path: 'readOnlyRootfs',
      what: "false lets the session change the image's files and fill the engine's disk",
    });
  }
  return found;
}

function userWeakening(user: string): Weakening | null {
  if (!USER_SPEC.test(user)) return null; // refused by the schema already
  const [uid = '', gid] = user.split(':');
  if (uid === '0' || uid === 'root' || gid === '0' || gid === 'root') {
    return { optIn: 'root-user', path: 'user', what: `"${user}" runs as root or in the root group` };
  }
  const numeric = (id: string | undefined) => id !== undefined && /^[0-9]+$/.test(id);
  if (numeric(uid) && numeric(gid)) return null;
  const what =
    user === ''
      ? `"" runs as the image's user, often root`
      : numeric(uid)
        ? `"${user}" leaves the group to the image (gid 0, root's, when the image has no entry for the uid)`
        : `"${user}" leaves the uid to the image (a name can stand for uid 0)`;
  return { optIn: 'image-user', path: 'user', what: `${what}; give numeric "uid:gid"` };
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type BackendResult } from '@vth/core';

/** Where the engine is, and how vth found it (shown in health details and the platform check). */
export interface EngineLocation {
  /** The address, as `DOCKER_HOST` would hold it. */
  host: string;
  /** How it was found, for people: `config.host`, `DOCKER_HOST`, `docker context "remote"`, `default socket`, ... */
  source: string;
  /**
   * The TLS settings that go with it, for `parseDockerHost`: the configuration's or the environment's, or a
   * Docker context's own certificates.
   */
  tls: { verify?: boolean; certPath?: string };
}

/** What the configuration says about the engine (`ContainerConfig`'s fields of these names); all optional. */
export interface EngineChoice {
  /** The engine's address, as `DOCKER_HOST` would hold it; absent: looked for (see `locateEngine`). */
  host?: string | undefined;
  /** TLS to a tcp:// engine; absent: `DOCKER_TLS_VERIFY`. */
  tlsVerify?: boolean | undefined;
  /** The directory of `ca.pem`, `cert.pem` and `key.pem` (it implies TLS); absent: `DOCKER_CERT_PATH`. */
  certPath?: string | undefined;
}

/**
 * Finds the engine as the docker CLI does when none is configured, then where the usual engines put their
 * socket: `config.host`; `DOCKER_HOST`; the Docker context (`DOCKER_CONTEXT`, else `currentContext` of
 * `$DOCKER_CONFIG/config.json`, default `~/.docker`); rootless Docker (`$XDG_RUNTIME_DIR/docker.sock`);
 * Docker Desktop (`~/.docker/run/docker.sock`); Podman (`$XDG_RUNTIME_DIR/podman/podman.sock`,
 * `/run/podman/podman.sock`); then `/var/run/docker.sock`. A socket counts only if it exists as a socket.
 * A named context that does not exist is `UNAVAILABLE` (as the CLI refuses it), never another engine.
 *
 * @example
 * ```ts
 * const where = locateEngine({}, process.env);
 * if (where.ok) console.log(`${where.value.host} (${where.value.source})`);
 * ```
 */
export function locateEngine(
  choice: EngineChoice,
  env: NodeJS.ProcessEnv = process.env,
): BackendResult<EngineLocation> {
  const envTls = {
    ...((choice.tlsVerify ?? env['DOCKER_TLS_VERIFY']) ? { verify: true } : {}),
    ...((choice.certPath ?? env['DOCKER_CERT_PATH'])
      ? { certPath: (choice.certPath ?? env['DOCKER_CERT_PATH'])! }
      : {}),
  };
  if (choice.host) return ok({ host: choice.host, source: 'config.host', tls: envTls });
  if (env['DOCKER_HOST']) return ok({ host: env['DOCKER_HOST'], source: 'DOCKER_HOST', tls: envTls });
  const home = env['HOME'] || homedir();
  const context = fromContext(env['DOCKER_CONFIG'] || join(home, '.docker'), env['DOCKER_CONTEXT']);
  if (!context.ok) return context;
  if (context.value) return ok(context.value);
  const runtime = env['XDG_RUNTIME_DIR'];
  const sockets: Array<[string | undefined, string]> = [
    [runtime && join(runtime, 'docker.sock'), 'rootless Docker socket ($XDG_RUNTIME_DIR/docker.sock)'],
    [join(home, '.docker', 'run', 'docker.sock'), 'Docker Desktop socket (~/.docker/run/docker.sock)'],
    [runtime && join(runtime, 'podman', 'podman.sock'), 'rootless Podman socket'],
    ['/run/podman/podman.sock', 'Podman socket'],
  ];
  for (const [path, source] of sockets) {
    if (path && isSocket(path)) return ok({ host: `unix://${path}`, source, tls: {} });
  }
  return ok({ host: 'unix:///var/run/docker.sock', source: 'default socket', tls: {} });
}

/** The engine of the current Docker context; `null` for the `default` context (no context chosen). */
function fromContext(
  configDir: string,
  envContext: string | undefined,
): BackendResult<EngineLocation | null> {
  let name = envContext;
  let from = 'DOCKER_CONTEXT';
  if (!name) {
    const configFile = join(configDir, 'config.json');
    name = readJson<{ currentContext?: unknown }>(configFile)?.currentContext as string | undefined;
    from = `currentContext in ${configFile}`;
  }
  if (typeof name !== 'string' || name === '' || name === 'default') return ok(null);
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const meta = readJson<{ Endpoints?: { docker?: { Host?: unknown } } }>(metaFile);
  if (!meta) {
    return fail('UNAVAILABLE', `Docker context "${name}" (${from}) does not exist: no ${metaFile}`, {
      dispatched: false,
      details: { hint: 'docker context ls; or set DOCKER_HOST or config.host' },
    });
  }
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') return ok(null);
  // The context's TLS files (ca.pem, cert.pem, key.pem); the certificate is always verified.
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  return ok({
    host: docker.Host,
    source: `docker context "${name}"`,
    tls: existsSync(tlsDir) ? { verify: true, certPath: tlsDir } : {},
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

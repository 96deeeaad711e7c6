import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Duplex, PassThrough } from 'node:stream';
import { Duplex as DuplexStream } from 'node:stream';

/** Where the Engine API is, as the docker CLI reads `DOCKER_HOST` (and Podman's socket is one of these). */
export type EngineEndpoint =
  | {
      /** A local socket: Docker's, rootless Docker's or Podman's. */
      kind: 'unix';
      /** The socket's path. */
      socketPath: string;
    }
  | {
      /** An engine listening on TCP, with TLS when `tls` is not `null`. */
      kind: 'tcp';
      /** Its host name or address. */
      host: string;
      /** The port given, else 2376 with TLS and 2375 without (Docker's). */
      port: number;
      /** The CA and client certificate read from the cert path, `{}` for TLS without them, `null` for plain HTTP. */
      tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | null;
    }
  | {
      /** An engine on another machine, reached as the docker CLI does: `ssh <destination> docker system dial-stdio`. */
      kind: 'ssh';
      /** `[user@]host[:port]`. */
      destination: string;
    };

/** Docker's system socket, as a `DOCKER_HOST` value: where the engine is looked for last. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * Parses a `DOCKER_HOST` value: `unix:///path`, `tcp://host:port` (TLS when `tlsVerify` or a cert path is
 * given, as with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), `ssh://[user@]host[:port]`. `null` when malformed.
 */
export function parseDockerHost(
  value: string,
  tls: { verify?: boolean; certPath?: string } = {},
): EngineEndpoint | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  switch (url.protocol) {
    case 'unix:':
      return url.pathname ? { kind: 'unix', socketPath: decodeURIComponent(url.pathname) } : null;
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const secure = url.protocol === 'https:' || tls.verify === true || tls.certPath !== undefined;
      const port = url.port ? Number(url.port) : secure ? 2376 : 2375;
      const certs = tls.certPath
        ? {
            ca: readFileSync(join(tls.certPath, 'ca.pem')),
            cert: readFileSync(join(tls.certPath, 'cert.pem')),
            key: readFileSync(join(tls.certPath, 'key.pem')),
          }
        : {};
      return { kind: 'tcp', host: url.hostname, port, tls: secure ? certs : null };
    }
    case 'ssh:':
      return url.hostname
        ? {
            kind: 'ssh',
            destination: `${url.username ? `${url.username}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`,
          }
        : null;
    default:
      return null;
  }
}

/**
 * A connection to the engine over SSH, as the docker CLI makes one: `ssh <host> docker system dial-stdio`,
 * its stdin and stdout joined into one stream that HTTP runs over.
 */
export function dialOverSsh(destination: string): Duplex {
  const [hostPart, port] = destination.split(/:(?=\d+$)/);
  const args = [
    '-o',
    'BatchMode=yes',
    ...(port ? ['-p', port] : []),
    '--',
    hostPart!,
    'docker',
    'system',
    'dial-stdio',
  ];
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const readable = new PassThrough();
  child.stdout.pipe(readable);
  const stream = new DuplexStream({
    write(chunk, _encoding, callback) {
      child.stdin.write(chunk, callback);
    },
    final(callback) {
      child.stdin.end(callback);
    },
    read() {
      // Data is pushed as it arrives (below).
    },
    destroy(error, callback) {
      child.kill();
      callback(error);
    },
  });
  readable.on('data', (chunk: Buffer) => stream.push(chunk));
  readable.on('end', () => stream.push(null));
  child.on('error', (e) => stream.destroy(e));
  return stream;
}

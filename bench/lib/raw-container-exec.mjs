import http from 'node:http';
import { markShell } from './raw-mark-shell.mjs';

/** One Engine API call over the default socket. */
export function engine(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath: '/var/run/docker.sock',
        method,
        path: `/v1.41${path}`,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function hijack(path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({
      socketPath: '/var/run/docker.sock',
      method: 'POST',
      path: `/v1.41${path}`,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'tcp',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
      },
    });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The raw persistent-shell baseline: a running container, one interactive bash exec attached over the API's
 * hijacked stream, a printf mark after each command; no abstraction.
 */
export async function startRawExecShell(containerId) {
  const exec = await engine('POST', `/containers/${containerId}/exec`, {
    Cmd: ['bash', '--noprofile', '--norc', '--noediting', '-i'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  const stream = await hijack(`/exec/${exec.body.Id}/start`, { Detach: false, Tty: true });
  const shell = await markShell(
    (listener) => stream.on('data', listener),
    (text) => stream.write(text),
  );
  return {
    run: shell.run,
    close() {
      stream.destroy();
    },
  };
}

/** The common approach: one `docker exec` (create, start, wait for the end) per command. */
export async function execPerCommand(containerId, command) {
  const exec = await engine('POST', `/containers/${containerId}/exec`, {
    Cmd: ['sh', '-c', command],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await hijack(`/exec/${exec.body.Id}/start`, { Detach: false, Tty: false });
  await new Promise((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.resume();
  });
}

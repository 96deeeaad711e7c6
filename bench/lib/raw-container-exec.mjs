import http from 'node:http';

const MARK = Buffer.from('\x1b]6973;R\x07', 'latin1');

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
  let waiter = null;
  let tail = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    if (waiter && hay.indexOf(MARK) !== -1) {
      tail = Buffer.alloc(0);
      const w = waiter;
      waiter = null;
      w();
    } else tail = hay.subarray(Math.max(0, hay.length - MARK.length));
  });
  const untilMark = () => new Promise((r) => (waiter = r));
  const ready = untilMark();
  stream.write("stty -echo -onlcr; PS1= PS2=; printf '\\033]6973;R\\007'\n");
  await ready;
  return {
    run(command) {
      const done = untilMark();
      stream.write(`${command}; printf '\\033]6973;R\\007'\n`);
      return done;
    },
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

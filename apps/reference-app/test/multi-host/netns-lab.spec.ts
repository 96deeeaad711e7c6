import { describeWithNetns, ip } from './netns-network';
import { closeOpenLabs, MultiHostLab } from './multi-host-lab';

interface Answer<T> {
  ok: boolean;
  value?: T;
  error?: { code: string };
}

/** One HTTP call of the `vth.v1` API, as any client on the manager's side of the links makes it. */
async function call<T>(
  url: string,
  method: string,
  route: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; answer: Answer<T> }> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, answer: (await response.json()) as Answer<T> };
}

describeWithNetns('the multi-host lab: hosts as network namespaces, each running vth serve', () => {
  afterAll(async () => {
    expect(await closeOpenLabs()).toEqual([]);
  });

  it('serves each host on its own address with tokens; hosts reach only the root namespace; close leaves nothing', async () => {
    const lab = await MultiHostLab.create({ hosts: 3 });
    try {
      expect(lab.servers.map((s) => s.url)).toEqual(lab.hosts.map((h) => `http://${h.address}:7700`));
      const namespaces = await ip('netns', 'list');
      for (const h of lab.hosts) expect(namespaces).toContain(h.netns);

      for (const server of lab.servers) {
        // Not loopback: no token, no session.
        expect((await call(server.url, 'POST', '/v1/sessions', undefined, {})).status).toBe(401);
        const created = await call<{ id: string }>(server.url, 'POST', '/v1/sessions', lab.token, {});
        expect(created.answer.ok).toBe(true);
        const id = created.answer.value!.id;
        // The session runs on this host: its shell has this host's own directory.
        const run = await call<{ output: string; exitCode: number }>(
          server.url,
          'POST',
          `/v1/sessions/${id}/execute`,
          lab.token,
          { command: 'echo "$HOST_TMP"; pwd' },
        );
        expect(run.answer.value).toMatchObject({
          output: `${server.tmpDir}\n${server.tmpDir}\n`,
          exitCode: 0,
        });
      }

      // Traffic stays between the root namespace and each host: host 1 has no route to host 2.
      const [first, second] = lab.servers;
      const session = await call<{ id: string }>(first!.url, 'POST', '/v1/sessions', lab.token, {});
      const probe = await call<{ output: string }>(
        first!.url,
        'POST',
        `/v1/sessions/${session.answer.value!.id}/execute`,
        lab.token,
        {
          command: `(exec 3<>/dev/tcp/${second!.host.address}/7700) 2>/dev/null && echo reached || echo unreachable`,
        },
      );
      expect(probe.answer.value?.output).toBe('unreachable\n');
    } finally {
      expect(await lab.close()).toEqual([]);
    }
    expect(await ip('netns', 'list')).not.toMatch(new RegExp(`^v${process.pid}`, 'm'));
  });

  it('kills a server (SIGKILL) and cuts a link (ip link set down): the others keep serving', async () => {
    const lab = await MultiHostLab.create({ hosts: 3 });
    try {
      const [killed, cut, alive] = lab.servers;
      await killed!.kill('SIGKILL');
      await expect(fetch(`${killed!.url}/healthz`)).rejects.toThrow();
      await lab.network.cutLink(cut!.host);
      expect(await ip('-n', cut!.host.netns, '-o', 'link', 'show', cut!.host.hostLink)).toMatch(/state DOWN/);
      // The cut host's server still runs (half-open, not dead): only its link is gone.
      expect(await lab.network.pids(cut!.host)).toContain(cut!.pid);
      expect((await call(alive!.url, 'GET', '/readyz', lab.token)).status).toBe(200);
    } finally {
      expect(await lab.close()).toEqual([]);
    }
  });
});

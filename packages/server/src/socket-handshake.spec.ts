import { CLOSE_CODES } from '@vth/protocol';
import { startServer, TOKENS, USERS_CONFIG, type Harness } from './test-support/server-harness.fixture';
import { rawExchange } from './test-support/raw-http.fixture';
import { TestClient } from './test-support/test-client.fixture';

const UPGRADE_HEADERS =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: vth.v1\r\n';

describe('the WebSocket handshake', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      config: { auth: USERS_CONFIG, limits: { maxConnections: 2, maxConnectionsPerUser: 1 } },
    });
  });
  afterAll(() => h.close());

  it('answers an upgrade elsewhere than /v1/ws with 404, and a request naming no host with 403', async () => {
    const elsewhere = await rawExchange(
      h.url,
      `GET /v1/other HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE_HEADERS}\r\n`,
    );
    expect(elsewhere.status).toBe(404);
    const hostless = await rawExchange(h.url, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(hostless.status).toBe(403);
    expect(hostless.text).toContain('Host \\"\\" is not this server');
  });

  it('closes with 4005 a client that offers no vth version; fails one that offers only a token', async () => {
    const none = await TestClient.connect(h.wsUrl, { token: TOKENS.alice, protocols: [] });
    expect(await none.closed()).toBe(CLOSE_CODES.PROTOCOL_UNSUPPORTED);
    // Selecting the token as the protocol would echo it in a header: the server selects none, and a
    // client that insists on a subprotocol gives up.
    await expect(TestClient.connect(h.wsUrl, { protocols: ['vth.token.abc'] })).rejects.toThrow(
      /subprotocol/,
    );
  });

  it('closes with 4013 a user over maxConnectionsPerUser, and anyone over maxConnections', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    await alice.message('hello');
    const again = await h.connect({ token: TOKENS.alice });
    expect(await again.closed()).toBe(CLOSE_CODES.OVERLOADED);
    expect(again.closeReason).toBe('user "alice" has too many connections');
    const bob = await h.connect({ token: TOKENS.bob });
    await bob.message('hello');
    const root = await h.connect({ token: TOKENS.root });
    expect(await root.closed()).toBe(CLOSE_CODES.OVERLOADED);
    expect(root.closeReason).toBe('the server takes no more connections');
    // A place freed is a place taken again.
    await alice.close();
    const deadline = Date.now() + 20_000;
    let later: TestClient | undefined;
    while (!later) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a free place');
      const c = await h.connect({ token: TOKENS.root });
      await c.until(() => c.messages.length > 0 || c.closeCode !== undefined, 'hello or a close');
      if (c.closeCode === undefined) later = c;
    }
    expect(await later.message('hello')).toMatchObject({ user: { id: 'root' } });
    await Promise.all([bob.close(), later.close()]);
  });

  it('attaches from the URL at an offset and to a named pane', async () => {
    const alice = await h.connect({ token: TOKENS.alice });
    const created = await alice.request('session.create', {});
    const { id, panes } = (created as { value: { id: string; panes: string[] } }).value;
    expect(await alice.request('command.execute', { sessionId: id, command: 'echo first' })).toMatchObject({
      ok: true,
    });
    await alice.close();
    const byUrl = await h.connect({ token: TOKENS.alice, query: `session=${id}&from=0&pane=${panes[0]}` });
    expect(await byUrl.message('attached')).toMatchObject({
      sessionId: id,
      paneId: panes[0],
      mode: 'viewer',
      start: 'offset',
      offset: 0,
    });
    await byUrl.until(() => byUrl.text(1).includes('first'), 'the replayed output');
    await byUrl.close();
  });
});

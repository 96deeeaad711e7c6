import { NodePtyBackend } from '@vth/backend-node-pty';
import { ClientSessions } from './client-sessions';
import { mcpToolOptionsSchema } from './mcp-options';
import { SessionTable } from './session-table';

describe('ClientSessions', () => {
  const backend = new NodePtyBackend({ killGraceMs: 200 });
  let table: SessionTable;
  beforeAll(async () => {
    const initialized = await backend.initialize({});
    if (!initialized.ok) throw initialized.error;
    table = new SessionTable(backend);
  });
  afterAll(async () => {
    table.dispose();
    await backend.shutdown();
  });

  it('leaves no session behind when the client ends while one is being opened', async () => {
    const sessions = new ClientSessions(
      backend,
      table,
      { clientId: 'c1', userId: 'u' },
      mcpToolOptionsSchema.parse({}),
    );
    const opening = sessions.open({});
    const closing = sessions.close();
    const [opened] = await Promise.all([opening, closing]);
    expect(opened.ok).toBe(false);
    const listed = await backend.listSessions();
    expect(listed.ok && listed.value).toEqual([]);
    expect(table.owned('c1')).toEqual([]);
  });

  it('counts only its own sessions against its limit', async () => {
    const options = mcpToolOptionsSchema.parse({ maxSessions: 1 });
    const mine = new ClientSessions(backend, table, { clientId: 'c2', userId: 'u' }, options);
    const theirs = new ClientSessions(backend, table, { clientId: 'c3', userId: 'u' }, options);
    expect((await mine.open({})).ok).toBe(true);
    expect((await theirs.open({})).ok).toBe(true);
    const over = await mine.open({});
    expect(!over.ok && over.error.code).toBe('BUSY');
    await mine.close();
    await theirs.close();
  });
});

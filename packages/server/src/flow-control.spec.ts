import { type ITerminalBackend } from '@vth/core';
import { type BackendManager } from '@vth/manager';
import { startServer, type BackendKind, type Harness } from './test-support/server-harness.fixture';
import { type TestClient } from './test-support/test-client.fixture';

const HIGH = 64 * 1024;
const FRAME = 16 * 1024;

async function newSession(c: TestClient): Promise<string> {
  const r = await c.request('session.create', {});
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return (r.value as { id: string }).id;
}

/** The backend whose pty a pause reaches: node-pty itself, or the pool's node-pty behind a manager. */
function ptyOf(h: Harness): ITerminalBackend {
  const manager = h.backend as BackendManager;
  return h.backend.type === 'manager' ? manager.instanceOf('pty')! : h.backend;
}

// Over tmux (no flow control) a writer that falls behind is skipped ahead like a viewer, so "the writer
// gets every byte" holds only where the pty can be paused: node-pty, alone or behind a manager.
describe.each(['node-pty', 'manager'] as BackendKind[])('flow control (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({
      backend: kind,
      config: { flow: { highWatermark: HIGH, lowWatermark: 16 * 1024 }, limits: { maxFrameBytes: FRAME } },
    });
  });
  afterAll(() => h.close());

  it('a slow viewer does not stall the writer: it stops receiving, then is skipped ahead to a fresh snapshot', async () => {
    const w = await h.connect();
    const v = await h.connect({ autoAck: false });
    const id = await newSession(w);
    const wc = await w.attach(id, 'writer', 'live');
    const vc = await v.attach(id, 'viewer', 'live');
    if (wc.type !== 'attached' || vc.type !== 'attached') throw new Error('attach failed');
    const run = await w.request('command.execute', { sessionId: id, command: 'seq 1 300000' });
    // The command completed: the pty was read all along, whatever the viewer did.
    expect(run.ok).toBe(true);
    const printed = (run as { value: { output: string } }).value.output;
    expect(printed.split('\n')).toHaveLength(300_001);
    await w.until(() => w.text(wc.channel).includes('\n300000'), 'the writer to get everything');
    const viewer = v.bytes(vc.channel);
    expect(viewer.end - viewer.start).toBeLessThanOrEqual(HIGH + FRAME);
    expect(v.messages.some((m) => m.type === 'snapshot')).toBe(false);
    // Caught up (it acknowledges what it has): far behind, it gets the screen as it is now, then the live tail.
    v.send({ type: 'ack', channel: vc.channel, offset: viewer.end });
    const snap = await v.message('snapshot', (m) => m.channel === vc.channel);
    expect(snap.reason).toBe('skipped');
    expect(snap.offset).toBe(w.bytes(wc.channel).end);
    expect(snap.data).toContain('300000');
    v.autoAck = true;
    await w.request('command.execute', { sessionId: id, command: 'echo after-skip' });
    await v.until(
      () =>
        v.output.some(
          (o) => o.channel === vc.channel && o.offset >= snap.offset && o.data.includes('after-skip'),
        ),
      'the live tail',
    );
    const metrics = await h.http('GET', '/metrics');
    expect(metrics.text).toMatch(/vth_server_viewer_skips_total 1/);
    await Promise.all([w.close(), v.close()]);
  });

  it('a slow writer pauses the pty until it acknowledges, and then gets every byte', async () => {
    const backend = ptyOf(h) as unknown as { pauseOutput: jest.Mock; resumeOutput: jest.Mock };
    const pause = jest.spyOn(backend, 'pauseOutput');
    const resume = jest.spyOn(backend, 'resumeOutput');
    const w = await h.connect({ autoAck: false });
    const other = await h.connect();
    const id = await newSession(other);
    const wc = await w.attach(id, 'writer', 'live');
    if (wc.type !== 'attached') throw new Error('attach failed');
    const run = other.request('command.execute', {
      sessionId: id,
      command: 'seq 1 200000; echo end-of-run',
    });
    await w.until(() => pause.mock.calls.some((c) => c[0] === id), 'the session to be paused');
    const held = w.bytes(wc.channel);
    expect(held.end - held.start).toBeLessThanOrEqual(HIGH + FRAME);
    expect(resume).not.toHaveBeenCalled();
    // The writer catches up: the session resumes, and nothing is lost or repeated.
    w.autoAck = true;
    w.send({ type: 'ack', channel: wc.channel, offset: held.end });
    const done = await run;
    expect(done.ok).toBe(true);
    await w.until(() => w.text(wc.channel).includes('end-of-run'), 'the rest of the output');
    expect(resume.mock.calls.some((c) => c[0] === id)).toBe(true);
    const lines = w.text(wc.channel).split(/\r?\n/);
    const wrong = lines.slice(0, 200_000).findIndex((line, i) => line !== String(i + 1));
    expect({ wrong, around: wrong < 0 ? [] : lines.slice(Math.max(0, wrong - 2), wrong + 3) }).toEqual({
      wrong: -1,
      around: [],
    });
    pause.mockRestore();
    resume.mockRestore();
    await Promise.all([w.close(), other.close()]);
  });
});

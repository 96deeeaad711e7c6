import { startServer, type Harness } from './test-support/server-harness.fixture';

const HIGH = 64 * 1024;
const FLOW = { flow: { highWatermark: HIGH, lowWatermark: 16 * 1024 }, limits: { maxFrameBytes: 16 * 1024 } };

describe('flow control at its edges (node-pty)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ config: FLOW });
  });
  afterAll(() => h.close());

  it('a viewer only a little behind when it catches up goes on live, without a snapshot', async () => {
    const w = await h.connect();
    const v = await h.connect({ autoAck: false });
    const id = await w.newSession();
    const vc = await v.attach(id, 'viewer', 'live');
    if (vc.type !== 'attached') throw new Error(JSON.stringify(vc));
    // 100 kB: the viewer stops at the high watermark (64 kB), less than that behind the end.
    const run = await w.request('command.execute', {
      sessionId: id,
      command: "head -c 100000 /dev/zero | tr '\\0' a; echo; echo end-of-$((6*7))",
    });
    expect(run.ok).toBe(true);
    const held = v.bytes(vc.channel);
    expect(held.end - held.start).toBeGreaterThanOrEqual(HIGH);
    expect(v.text(vc.channel)).not.toContain('end-of-42');
    // Acknowledging a little changes nothing: still more than the low watermark unacknowledged.
    v.send({ type: 'ack', channel: vc.channel, offset: held.start + 1000 });
    await v.roundTrip();
    expect(v.bytes(vc.channel).end).toBe(held.end);
    v.autoAck = true;
    v.send({ type: 'ack', channel: vc.channel, offset: held.end });
    await v.until(() => v.text(vc.channel).includes('end-of-42'), 'the rest of the output');
    expect(v.bytes(vc.channel).start).toBe(held.start);
    expect(v.messages.some((m) => m.type === 'snapshot')).toBe(false);
    await Promise.all([w.close(), v.close()]);
  });

  it('a writer whose session ends while it holds the pty paused gets what the ring holds, then detached', async () => {
    const w = await h.connect({ autoAck: false });
    const stale = await h.connect({ autoAck: false });
    const other = await h.connect();
    const id = await other.newSession();
    const wc = await w.attach(id, 'writer', 'live');
    const sc = await stale.attach(id, 'viewer', 'live');
    if (wc.type !== 'attached' || sc.type !== 'attached') throw new Error(JSON.stringify([wc, sc]));
    void other.request('command.execute', { sessionId: id, command: 'seq 1 300000' });
    // Past the high watermark the writer is blocked and the pause asked for, in the same turn.
    await w.until(
      () => w.bytes(wc.channel).end - w.bytes(wc.channel).start >= HIGH,
      'the writer to fall behind',
    );
    expect(await other.request('session.destroy', { sessionId: id })).toMatchObject({ ok: true });
    const detached = await w.message('detached', (m) => m.channel === wc.channel);
    expect(detached).toMatchObject({ reason: 'session-closed', offset: w.bytes(wc.channel).end });
    expect(w.bytes(wc.channel).end - w.bytes(wc.channel).start).toBeGreaterThan(HIGH);
    // A viewer that stopped reading is told too, at what it was sent.
    expect(await stale.message('detached', (m) => m.channel === sc.channel)).toMatchObject({
      reason: 'session-closed',
      offset: stale.bytes(sc.channel).end,
    });
    await Promise.all([w.close(), stale.close(), other.close()]);
  });

  it('sizes the screen from writers’ viewports: the same size is no change, many changes end at the last', async () => {
    const w = await h.connect();
    const id = await w.newSession({ cols: 100, rows: 30 });
    const wc = await w.attach(id, 'writer', 'live', { viewport: { cols: 100, rows: 30, visible: true } });
    if (wc.type !== 'attached') throw new Error(JSON.stringify(wc));
    await w.roundTrip();
    expect(w.messages.filter((m) => m.type === 'size')).toEqual([]);
    // More sizes than the mirror keeps marks for, each taken by the terminal before the next.
    for (let i = 1; i <= 70; i++) {
      w.send({ type: 'viewport', channel: wc.channel, cols: 40 + i, rows: 10 + (i % 5), visible: true });
      await w.message('size', (m) => m.cols === 40 + i && m.rows === 10 + (i % 5));
    }
    const v = await h.connect();
    const vc = await v.attach(id, 'viewer', 'snapshot');
    if (vc.type !== 'attached') throw new Error(JSON.stringify(vc));
    expect(await v.message('snapshot')).toMatchObject({ cols: 110, rows: 10, reason: 'attach' });
    // Output, a new size, more output: a later snapshot lays each part out at its own size, ending at the last.
    await w.request('command.execute', { sessionId: id, command: 'echo before-resize' });
    w.send({ type: 'viewport', channel: wc.channel, cols: 90, rows: 12, visible: true });
    await w.message('size', (m) => m.cols === 90 && m.rows === 12);
    await w.request('command.execute', { sessionId: id, command: 'echo after-resize' });
    // An offset the ring never held is answered with the screen too.
    const late = await v.attach(id, 'viewer', 10 ** 12);
    if (late.type !== 'attached') throw new Error(JSON.stringify(late));
    const snap = await v.message('snapshot', (m) => m.channel === late.channel);
    expect(snap).toMatchObject({ cols: 90, rows: 12, reason: 'ring' });
    expect(snap.data).toContain('after-resize');
    expect(
      await w.request('command.execute', { sessionId: id, command: 'echo "$(tput cols)x$(tput lines)"' }),
    ).toMatchObject({
      ok: true,
      value: { output: '90x12\n' },
    });
    await Promise.all([w.close(), v.close()]);
  });
});

describe('flow control where the pane cannot be paused (tmux)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ backend: 'tmux', config: FLOW });
  });
  afterAll(() => h.close());

  it('a writer that falls behind is skipped ahead to a fresh snapshot, like a viewer', async () => {
    const w = await h.connect({ autoAck: false });
    const other = await h.connect();
    const id = await other.newSession();
    const wc = await w.attach(id, 'writer', 'live');
    // A viewer that keeps up stays live when the writer cannot pause the pane.
    const oc = await other.attach(id, 'viewer', 'live');
    if (wc.type !== 'attached' || oc.type !== 'attached') throw new Error(JSON.stringify([wc, oc]));
    const run = await other.request('command.execute', { sessionId: id, command: 'seq 1 100000; echo done' });
    expect(run.ok).toBe(true);
    const held = w.bytes(wc.channel);
    expect(held.end - held.start).toBeLessThan(2 * HIGH);
    w.send({ type: 'ack', channel: wc.channel, offset: held.end });
    const snap = await w.message('snapshot', (m) => m.channel === wc.channel);
    expect(snap).toMatchObject({ reason: 'skipped' });
    expect(snap.data).toContain('done');
    await other.until(() => other.text(oc.channel).includes('\ndone'), 'the viewer to get everything');
    expect(other.messages.some((m) => m.type === 'snapshot')).toBe(false);
    await Promise.all([w.close(), other.close()]);
  });
});

import { Terminal } from '@xterm/headless';
import { startServer, type Harness } from './test-support/server-harness.fixture';
import { type TestClient } from './test-support/test-client.fixture';

/** What a terminal shows after `data`: its screen lines, trailing blanks trimmed. */
function render(data: string | Buffer, cols: number, rows: number): Promise<string[]> {
  const t = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  return new Promise((resolve) =>
    t.write(typeof data === 'string' ? data : new Uint8Array(data), () => {
      const lines: string[] = [];
      for (let i = 0; i < rows; i++)
        lines.push(t.buffer.active.getLine(t.buffer.active.viewportY + i)?.translateToString(true) ?? '');
      t.dispose();
      resolve(lines);
    }),
  );
}

async function newSession(client: TestClient, options: Record<string, unknown> = {}): Promise<string> {
  const r = await client.request('session.create', { options });
  if (!r.ok) throw new Error(`create failed: ${JSON.stringify(r.error)}`);
  return (r.value as { id: string }).id;
}

describe.each(['node-pty', 'tmux'] as const)('terminals over the socket (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startServer({ backend: kind });
  });
  afterAll(() => h.close());

  it('attaches a writer, types, sees the output, resizes, detaches', async () => {
    const c = await h.connect();
    const hello = await c.message('hello');
    expect(hello).toMatchObject({ protocol: 'vth.v1', user: { id: 'local', role: 'admin' } });
    const id = await newSession(c, { cols: 100, rows: 30 });
    const attached = await c.attach(id, 'writer', 'live', { viewport: { cols: 90, rows: 25 } });
    expect(attached).toMatchObject({ type: 'attached', sessionId: id, mode: 'writer', start: 'live' });
    if (attached.type !== 'attached') return;
    // The smallest visible writer sizes the screen: the session follows 90x25.
    await c.message('size', (m) => m.channel === attached.channel && m.cols === 90 && m.rows === 25);
    c.type(attached.channel, 'echo "size $(tput cols)x$(tput lines) sum $((6*7))"\r');
    await c.until(() => c.text(attached.channel).includes('size 90x25 sum 42'), 'the typed command to print');
    c.send({ type: 'viewport', channel: attached.channel, cols: 70, rows: 20 });
    await c.message('size', (m) => m.cols === 70 && m.rows === 20);
    c.type(attached.channel, 'echo "now $(tput cols)x$(tput lines)"\r');
    await c.until(() => c.text(attached.channel).includes('now 70x20'), 'the new size');
    c.send({ type: 'detach', channel: attached.channel });
    await c.message('detached', (m) => m.channel === attached.channel && m.reason === 'requested');
    c.type(attached.channel, 'x');
    await c.message('error', (m) => m.code === 'UNKNOWN_CHANNEL');
    expect(c.invalid).toEqual([]);
    await c.close();
  });

  it('two viewers and a writer: identical streams, viewers cannot type or resize, the smallest writer sizes the screen', async () => {
    const w = await h.connect();
    const id = await newSession(w, { cols: 120, rows: 40 });
    const v1 = await h.connect();
    const v2 = await h.connect();
    // A viewer's viewport at attach is ignored: it is smaller than any writer's, and must not size anything.
    const vc1 = await v1.attach(id, 'viewer', 0, { viewport: { cols: 20, rows: 5, visible: true } });
    const vc2 = await v2.attach(id, 'viewer', 0);
    const wc = await w.attach(id, 'writer', 0, { viewport: { cols: 100, rows: 30, visible: true } });
    if (wc.type !== 'attached' || vc1.type !== 'attached' || vc2.type !== 'attached')
      throw new Error(JSON.stringify([wc, vc1, vc2]));
    const everyone = [
      [w, wc.channel],
      [v1, vc1.channel],
      [v2, vc2.channel],
    ] as const;
    const allTold = (cols: number, rows: number) =>
      Promise.all(
        everyone.map(([c, ch]) =>
          c.message('size', (m) => m.channel === ch && m.cols === cols && m.rows === rows),
        ),
      );
    await allTold(100, 30);

    // A second, smaller writer: every channel, viewers too, is told the new size, and the shell has it.
    const w2 = await h.connect();
    const wc2 = await w2.attach(id, 'writer', 'live', { viewport: { cols: 80, rows: 24, visible: true } });
    if (wc2.type !== 'attached') throw new Error(JSON.stringify(wc2));
    await allTold(80, 24);
    w.type(wc.channel, 'echo "writer $(tput cols)x$(tput lines)"\r');
    await w.until(() => w.text(wc.channel).includes('writer 80x24'), 'the smallest writer size');

    // Viewers cannot type or resize: a typed error each, and nothing reaches the shell or the size.
    v1.type(vc1.channel, 'echo viewer-typed-$((40+2))\r');
    await v1.message('error', (m) => m.code === 'FORBIDDEN' && m.channel === vc1.channel);
    v2.send({ type: 'viewport', channel: vc2.channel, cols: 30, rows: 8, visible: true });
    await v2.message('error', (m) => m.code === 'FORBIDDEN' && m.channel === vc2.channel);

    // The smaller writer leaves: the screen takes the remaining writer's size again.
    w2.send({ type: 'detach', channel: wc2.channel });
    const sizes = (c: TestClient) =>
      c.messages.flatMap((m) => (m.type === 'size' ? [`${m.cols}x${m.rows}`] : []));
    await w.until(() => sizes(w).length >= 3, 'the size to go back');
    expect(sizes(w)).toEqual(['100x30', '80x24', '100x30']);
    w.type(wc.channel, 'seq 1 3000; echo "é✓ now $(tput cols)x$(tput lines) end-$((6*7))"\r');
    await w.until(() => w.text(wc.channel).includes('now 100x30 end-42'), 'the last command');
    const writer = w.bytes(wc.channel);
    for (const [c, ch] of [
      [v1, vc1.channel],
      [v2, vc2.channel],
    ] as const) {
      await c.until(() => c.bytes(ch).end >= writer.end, 'the viewer to get what the writer got');
      const got = c.bytes(ch);
      expect(got.start).toBe(writer.start);
      expect(got.data.subarray(0, writer.data.length).equals(writer.data)).toBe(true);
    }
    expect(writer.start).toBe(0);
    expect(w.text(wc.channel)).not.toContain('viewer-typed-42');
    expect(w.text(wc.channel)).toMatch(/\n2999\r?\n3000\r?\n/);
    await v2.until(() => sizes(v2).length >= 3, 'the viewer to be told the size');
    expect(sizes(v2)).toEqual(['100x30', '80x24', '100x30']);
    for (const c of [w, w2, v1, v2]) expect(c.invalid).toEqual([]);
    await Promise.all([w.close(), w2.close(), v1.close(), v2.close()]);
  });

  it('resumes at an offset byte-exactly, and from a snapshot that renders the same screen', async () => {
    const ref = await h.connect();
    const id = await newSession(ref);
    const refCh = await ref.attach(id, 'viewer', 0);
    if (refCh.type !== 'attached') throw new Error(JSON.stringify(refCh));
    expect(refCh.start).toBe('offset');
    const run = (n: number) =>
      ref.request('command.execute', {
        sessionId: id,
        command: `for i in $(seq 1 ${n}); do echo "line $i é✓"; done`,
      });
    expect((await run(200)).ok).toBe(true);

    // A second client takes part of the stream, drops, more output comes, and it resumes where it was.
    const a = await h.connect();
    const aCh = await a.attach(id, 'viewer', 0);
    if (aCh.type !== 'attached') throw new Error(JSON.stringify(aCh));
    await a.until(() => a.bytes(aCh.channel).end >= 1000 && a.bytes(aCh.channel).end, 'some output');
    const first = a.bytes(aCh.channel);
    a.kill();
    expect((await run(300)).ok).toBe(true);
    // Only the second run prints line 300: the reference has all of it, so there are missed bytes to resume.
    const end = await ref.until(
      () => ref.text(refCh.channel).includes('line 300 é✓') && ref.bytes(refCh.channel).end,
      'the reference stream',
    );
    expect(end).toBeGreaterThan(first.end);
    const b = await h.connect();
    const bCh = await b.attach(id, 'viewer', first.end);
    if (bCh.type !== 'attached') throw new Error(JSON.stringify(bCh));
    expect(bCh).toMatchObject({ start: 'offset', offset: first.end, oldest: 0 });
    await b.until(() => b.bytes(bCh.channel).end >= end, 'the missed bytes');
    const resumed = Buffer.concat([first.data, b.bytes(bCh.channel).data]);
    const reference = ref.bytes(refCh.channel).data;
    expect(resumed.length).toBeGreaterThanOrEqual(end);
    expect(resumed.equals(reference.subarray(0, resumed.length))).toBe(true);
    expect(b.text(bCh.channel)).toContain('line 300 é✓');

    // From a snapshot: the screen as of its offset, then the live tail from exactly there.
    const s = await h.connect();
    const sCh = await s.attach(id, 'viewer', 'snapshot');
    if (sCh.type !== 'attached') throw new Error(JSON.stringify(sCh));
    const snap = await s.message('snapshot', (m) => m.channel === sCh.channel);
    expect(snap.offset).toBe(sCh.offset);
    expect(snap.reason).toBe('attach');
    expect(await render(snap.data, snap.cols, snap.rows)).toEqual(
      await render(reference.subarray(0, snap.offset), snap.cols, snap.rows),
    );
    expect((await run(5)).ok).toBe(true);
    const tailEnd = await ref.until(
      () => ref.bytes(refCh.channel).end > end && ref.bytes(refCh.channel).end,
      'more output',
    );
    await s.until(() => s.bytes(sCh.channel).end >= tailEnd, 'the tail after the snapshot');
    const tail = s.bytes(sCh.channel);
    expect(tail.start).toBe(snap.offset);
    expect(tail.data.equals(ref.bytes(refCh.channel).data.subarray(snap.offset, tail.end))).toBe(true);
    for (const c of [ref, b, s]) expect(c.invalid).toEqual([]);
    await Promise.all([ref.close(), b.close(), s.close()]);
  });
});

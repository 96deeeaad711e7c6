import fc from 'fast-check';
import { MarkParser, type ShellEvent } from './mark-parser';

const NONCE = 'Nq7x';

type Piece = { kind: 'output'; bytes: Buffer } | { kind: 'mark'; bytes: Buffer; event: ShellEvent };

const mark = (body: string) => Buffer.from(`\x1b]6973;${body}\x07`, 'latin1');

/** Real marks with our nonce, and the events they must produce. */
const realMark: fc.Arbitrary<Piece> = fc.oneof(
  fc.stringMatching(/^c[0-9a-z]{1,8}$/).map((id) => ({
    kind: 'mark' as const,
    bytes: mark(`S;${NONCE};${id}`),
    event: { type: 'start' as const, id },
  })),
  fc.stringMatching(/^c[0-9a-z]{1,8}$/).map((id) => ({
    kind: 'mark' as const,
    bytes: mark(`I;${NONCE};${id}`),
    event: { type: 'incomplete' as const, id },
  })),
  fc
    .tuple(
      fc.stringMatching(/^c[0-9a-z]{1,8}$/),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('himBHs', 'himxBHs', ''),
      fc.constantFrom('/', '/tmp', '/a\\ b\\;c'),
    )
    .map(([id, code, flags, cwd]) => ({
      kind: 'mark' as const,
      bytes: mark(`E;${NONCE};${id};${code};${flags};${cwd}`),
      event: {
        type: 'end' as const,
        id,
        exitCode: code,
        tracing: flags.includes('x'),
        cwd: cwd.replace(/\\(.)/g, '$1'),
      },
    })),
  fc
    .tuple(fc.stringMatching(/^(c[0-9a-z]{1,8})?$/), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([id, code, tracing]) => ({
      kind: 'mark' as const,
      bytes: mark(`P;${NONCE};${id};${code};${tracing ? 'x' : ''};/home`),
      event: { type: 'prompt' as const, id, exitCode: code, tracing, cwd: '/home' },
    })),
);

/** Output, heavy in look-alikes: foreign nonces, partial prefixes, stray ESC and BEL, fake marks. */
const output: fc.Arbitrary<Piece> = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 30 }).map((a) => Buffer.from(a)),
      fc
        .constantFrom(
          '\x1b',
          '\x07',
          '\x1b]',
          '\x1b]69',
          '\x1b]6973',
          '\x1b]6973;',
          '\x1b]6973;E;',
          `\x1b]6973;E;${NONCE.slice(0, 2)}`,
          '\x1b]6973;E;other;c1;0;/\x07',
          '\x1b]6973;P;fake;;0;/\x07',
          '\x1b]0;window title\x07',
          '\x1b[31mred\x1b[0m',
          'plain text\n',
        )
        .map((s) => Buffer.from(s, 'latin1')),
    ),
    { maxLength: 8 },
  )
  .map((parts) => ({ kind: 'output' as const, bytes: Buffer.concat(parts) }));

function run(chunks: Buffer[]): ShellEvent[] {
  const parser = new MarkParser(NONCE);
  const events: ShellEvent[] = [];
  const emit = (e: ShellEvent) => events.push(e);
  for (const c of chunks) parser.push(c, emit);
  parser.flush(emit);
  return mergeOutput(events);
}

function mergeOutput(events: ShellEvent[]): ShellEvent[] {
  const merged: ShellEvent[] = [];
  for (const e of events) {
    const last = merged[merged.length - 1];
    if (e.type === 'output' && last?.type === 'output') last.data = Buffer.concat([last.data, e.data]);
    else if (e.type === 'output') {
      if (e.data.length > 0) merged.push({ type: 'output', data: Buffer.from(e.data) });
    } else merged.push(e);
  }
  return merged;
}

function chunk(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(stream.subarray(at, p));
    at = p;
  }
  out.push(stream.subarray(at));
  return out;
}

describe('MarkParser', () => {
  it('recovers exactly the output and the marks, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(output, realMark), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pieces, cuts) => {
          const stream = Buffer.concat(pieces.map((p) => p.bytes));
          const expected = mergeOutput(
            pieces.map((p) => (p.kind === 'output' ? { type: 'output' as const, data: p.bytes } : p.event)),
          );
          // A look-alike ending right where a real mark begins must not change what the real mark is.
          expect(run(chunk(stream, cuts))).toEqual(expected);
          expect(run([stream])).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parses every mark kind with fields', () => {
    const events = run([
      mark(`S;${NONCE};c1`),
      Buffer.from('hi\n'),
      mark(`E;${NONCE};c1;1;himBHs;$'/tmp/x\\ny'`),
      mark(`P;${NONCE};c1;130;x;/`),
      mark(`P;${NONCE};;0;;`),
      mark(`I;${NONCE};c2`),
      mark(`E;${NONCE};c3;999;hxB;/`),
      mark('R'),
      mark('Q'),
    ]);
    expect(events).toEqual([
      { type: 'start', id: 'c1' },
      { type: 'output', data: Buffer.from('hi\n') },
      { type: 'end', id: 'c1', exitCode: 1, tracing: false, cwd: '/tmp/x\ny' },
      { type: 'prompt', id: 'c1', exitCode: 130, tracing: true, cwd: '/' },
      { type: 'prompt', id: '', exitCode: 0, tracing: false },
      { type: 'incomplete', id: 'c2' },
      { type: 'end', id: 'c3', exitCode: null, tracing: true, cwd: '/' },
      { type: 'rearm-request' },
      { type: 'quiet' },
    ]);
  });

  it('rotates to a nonce it was told to expect at the first mark carrying it, and drops the old one', () => {
    const parser = new MarkParser(NONCE);
    const seen: ShellEvent[] = [];
    const emit = (e: ShellEvent) => seen.push(e);
    parser.expect('Fresh1');
    parser.push(mark(`S;${NONCE};c1`), emit); // the old nonce still counts until the new one shows
    parser.push(mark('P;Fresh1;;0;;/'), emit);
    parser.push(mark(`S;${NONCE};c2`), emit); // now it is plain output
    expect(seen).toEqual([
      { type: 'start', id: 'c1' },
      { type: 'rearmed' },
      { type: 'prompt', id: '', exitCode: 0, tracing: false, cwd: '/' },
      { type: 'output', data: mark(`S;${NONCE};c2`) },
    ]);
  });

  it('does not hold output back except a possible mark start', () => {
    const parser = new MarkParser(NONCE);
    const seen: ShellEvent[] = [];
    parser.push(Buffer.from('abc\x1b]697'), (e) => seen.push(e));
    expect(seen).toEqual([{ type: 'output', data: Buffer.from('abc') }]);
    parser.push(Buffer.from('4 not a mark'), (e) => seen.push(e));
    expect(Buffer.concat(seen.map((e) => (e.type === 'output' ? e.data : Buffer.alloc(0)))).toString()).toBe(
      'abc\x1b]6974 not a mark',
    );
  });

  it('gives up on an unterminated look-alike after maxMarkBytes', () => {
    const parser = new MarkParser(NONCE, { maxMarkBytes: 64 });
    const seen: Buffer[] = [];
    const emit = (e: ShellEvent) => e.type === 'output' && seen.push(e.data);
    parser.push(Buffer.from(`\x1b]6973;E;${NONCE};`), emit);
    expect(Buffer.concat(seen).length).toBe(0);
    parser.push(Buffer.alloc(100, 'y'), emit);
    expect(Buffer.concat(seen).toString()).toBe(`\x1b]6973;E;${NONCE};${'y'.repeat(100)}`);
  });
});

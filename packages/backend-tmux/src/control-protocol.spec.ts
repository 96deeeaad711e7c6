import fc from 'fast-check';
import { ControlParser, decodeOutputValue, type ControlEvent } from './control-protocol';

/** How tmux writes a pane's bytes in `%output`: below 0x20 and `\` as octal, the rest raw. */
function encodeOutput(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const b of bytes) {
    parts.push(b < 0x20 || b === 0x5c ? Buffer.from(`\\${b.toString(8).padStart(3, '0')}`) : Buffer.of(b));
  }
  return Buffer.concat(parts);
}

/** `stream` cut at these points (any order, repeats and out-of-range points allowed). */
function cut(stream: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (stream.length + 1)))].sort((a, b) => a - b);
  return [...at, stream.length].map((end, i) => stream.subarray(i === 0 ? 0 : at[i - 1], end));
}

function parseAll(chunks: Buffer[]): ControlEvent[] {
  const parser = new ControlParser();
  const events: ControlEvent[] = [];
  for (const c of chunks) parser.push(c, (e) => events.push(e));
  return events;
}

describe('control-mode protocol', () => {
  it('decodes %output values back to the exact bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const line = Buffer.concat([Buffer.from('%output %3 '), encodeOutput(Buffer.from(bytes))]);
        expect([...decodeOutputValue(line, 11)]).toEqual([...bytes]);
      }),
    );
  });

  it('splits replies, output and notifications, whatever the chunking', () => {
    const stream = Buffer.concat([
      Buffer.from('%begin 1 10 0\n%end 1 10 0\n'),
      Buffer.from('%output %1 hi\\015\\012\n'),
      Buffer.from('%begin 1 11 1\n$1 @1 %1 4242\n%output inside-a-reply-is-data\n%end 1 11 1\n'),
      Buffer.from('%sessions-changed\n%window-close @3\n'),
      Buffer.from('%begin 1 12 1\nunknown command: nope\n%error 1 12 1\n'),
      Buffer.from('%output %12 caf\xc3\xa9\n', 'latin1'),
      Buffer.from('%exit server exited\n'),
    ]);
    const expected: ControlEvent[] = [
      { type: 'reply', ok: true, flags: 0, lines: [] },
      { type: 'output', paneId: '%1', data: Buffer.from('hi\r\n') },
      { type: 'reply', ok: true, flags: 1, lines: ['$1 @1 %1 4242', '%output inside-a-reply-is-data'] },
      { type: 'notification', name: 'sessions-changed', args: '' },
      { type: 'notification', name: 'window-close', args: '@3' },
      { type: 'reply', ok: false, flags: 1, lines: ['unknown command: nope'] },
      { type: 'output', paneId: '%12', data: Buffer.from('café') },
      { type: 'exit', reason: 'server exited' },
    ];
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 20 }), (cuts) => {
        expect(parseAll(cut(stream, cuts))).toEqual(expected);
      }),
    );
  });
});

describe('%output of many panes, as tmux interleaves it', () => {
  /** What the events say: each pane's bytes in order, and where notifications fell between them. */
  function replay(events: ControlEvent[]): { panes: Map<string, Buffer>; seen: string[] } {
    const panes = new Map<string, Buffer>();
    const seen: string[] = [];
    for (const e of events) {
      if (e.type === 'output') {
        panes.set(e.paneId, Buffer.concat([panes.get(e.paneId) ?? Buffer.alloc(0), e.data]));
        seen.push(`${e.paneId}:${panes.get(e.paneId)!.length}`);
      } else if (e.type === 'notification') seen.push(`!${e.args}`);
    }
    return { panes, seen };
  }

  it('delivers every pane its exact bytes in order, and notifications after the output before them (property)', () => {
    const piece = fc.record({
      pane: fc.constantFrom('%1', '%2', '%30'),
      bytes: fc.uint8Array({ maxLength: 200 }),
      then: fc.option(fc.constant('%window-close @7'), { freq: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pieces, cuts) => {
          const lines: Buffer[] = [];
          const wanted = new Map<string, Buffer>();
          // A notification must come after all output written before it: record each pane's length there.
          const marks: string[] = [];
          for (const [i, p] of pieces.entries()) {
            lines.push(
              Buffer.from(`%output ${p.pane} `),
              encodeOutput(Buffer.from(p.bytes)),
              Buffer.from('\n'),
            );
            wanted.set(p.pane, Buffer.concat([wanted.get(p.pane) ?? Buffer.alloc(0), p.bytes]));
            if (p.then) {
              lines.push(Buffer.from(`${p.then}${i}\n`));
              marks.push(`@7${i}`);
            }
          }
          const { panes, seen } = replay(parseAll(cut(Buffer.concat(lines), cuts)));
          for (const [pane, bytes] of wanted) expect([...(panes.get(pane) ?? [])]).toEqual([...bytes]);
          expect(seen.filter((s) => s.startsWith('!')).map((s) => s.slice(1))).toEqual(marks);
          // Before each notification, every pane had all the bytes written before it.
          let at = 0;
          for (const [i, p] of pieces.entries()) {
            if (!p.then) continue;
            const upTo = pieces.slice(0, i + 1);
            const index = seen.indexOf(`!@7${i}`, at);
            at = index;
            for (const pane of new Set(upTo.map((q) => q.pane))) {
              const expected = upTo.filter((q) => q.pane === pane).reduce((n, q) => n + q.bytes.length, 0);
              const before = seen
                .slice(0, index)
                .filter((s) => s.startsWith(`${pane}:`))
                .map((s) => Number(s.split(':')[1]));
              expect(before.length === 0 ? 0 : before[before.length - 1]).toBe(expected);
            }
          }
        },
      ),
    );
  });

  it('hands over what one chunk holds of a pane as one event', () => {
    const stream = Buffer.from('%output %1 a\\134\n%output %2 b\n%output %1 c\\015\\012\n');
    expect(parseAll([stream])).toEqual([
      { type: 'output', paneId: '%1', data: Buffer.from('a\\c\r\n') },
      { type: 'output', paneId: '%2', data: Buffer.from('b') },
    ]);
  });
});

describe('control-mode replies hold pane text (capture-pane, display-message formats)', () => {
  /** A reply as tmux frames it: `%begin` and `%end` carry the same time, command number and flags. */
  const reply = (guard: string, lines: string[], end = '%end') =>
    `%begin ${guard}\n${lines.map((l) => `${l}\n`).join('')}${end} ${guard}\n`;

  it('ends a reply only at the %end or %error that matches its %begin; nothing inside is protocol', () => {
    const forged = [
      '%end 1 1 1',
      '%exit pwned',
      '%error 1796000000 40 1',
      '%begin 1796000000 42 1',
      '$9 @9 %9 999 /dev/pts/99',
      '%end 1796000000 42 1',
      '%output %1 forged',
      '%sessions-changed',
      '%end 1796000000 41 0',
      '%end 1796000000 41',
      '%end 1796000000 41 1 x',
    ];
    const stream = Buffer.from(
      reply('1796000000 41 1', forged) +
        reply('1796000000 43 1', ['next']) +
        reply('1796000000 44 1', ['%end 1796000000 43 1'], '%error'),
    );
    expect(parseAll([stream])).toEqual([
      { type: 'reply', ok: true, flags: 1, lines: forged },
      { type: 'reply', ok: true, flags: 1, lines: ['next'] },
      { type: 'reply', ok: false, flags: 1, lines: ['%end 1796000000 43 1'] },
    ]);
  });

  it('returns any pane text inside a reply as data, whatever the chunking (property)', () => {
    // Lines a pane can print: protocol keywords, guards of other commands, numbers, CR, non-ASCII.
    const paneLine = fc.string({
      unit: fc.oneof(
        fc.constantFrom('%end ', '%error ', '%begin ', '%exit', '%output %1 ', '%', ' ', '1', '7', '\r', 'é'),
        fc.string({ maxLength: 4 }).map((s) => s.replace(/\n/g, '')),
      ),
      maxLength: 12,
    });
    const guard = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 1)).map((t) => t.join(' '));
    fc.assert(
      fc.property(
        guard,
        fc.array(paneLine, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (g, lines, cuts) => {
          // The one line pane text cannot be: the exact guard of its own reply (see the README).
          const data = lines.filter((l) => l !== `%end ${g}` && l !== `%error ${g}`);
          const stream = Buffer.from(
            reply(g, data) + '%output %3 ok\n' + reply('5 6 1', ['after']) + '%exit done\n',
          );
          expect(parseAll(cut(stream, cuts))).toEqual([
            { type: 'reply', ok: true, flags: Number(g.split(' ')[2]), lines: data },
            { type: 'output', paneId: '%3', data: Buffer.from('ok') },
            { type: 'reply', ok: true, flags: 1, lines: ['after'] },
            { type: 'exit', reason: 'done' },
          ]);
        },
      ),
    );
  });
});

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

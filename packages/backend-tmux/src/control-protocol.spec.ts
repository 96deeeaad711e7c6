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
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(stream.subarray(at, p));
          at = p;
        }
        chunks.push(stream.subarray(at));
        expect(parseAll(chunks)).toEqual(expected);
      }),
    );
  });
});

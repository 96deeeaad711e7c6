import { MarkParser, type ShellEvent } from './mark-parser';

const NONCE = 'Nq7x';
const mark = (body: string) => Buffer.from(`\x1b]6973;${body}\x07`, 'latin1');

/** Every event of one chunk, through a fresh parser. */
function events(chunk: Buffer): ShellEvent[] {
  const parser = new MarkParser(NONCE);
  const seen: ShellEvent[] = [];
  parser.push(chunk, (e) => seen.push(e));
  parser.flush((e) => seen.push(e));
  return seen;
}

describe('MarkParser and malformed marks carrying the nonce', () => {
  it.each([
    [`S;${NONCE}`, 'a start mark without an id'],
    [`S;${NONCE};`, 'a start mark with an empty id'],
    [`I;${NONCE};`, 'an incomplete mark with an empty id'],
    [`E;${NONCE};`, 'an end mark without an id'],
    [`Z;${NONCE};c1`, 'an unknown kind'],
    [`S${NONCE};c1`, 'no separator after the kind'],
  ])('passes %j (%s) through as output, verbatim', (body) => {
    expect(events(mark(body))).toEqual([{ type: 'output', data: mark(body) }]);
  });

  it('reads exit marks, with and without a status', () => {
    expect(events(mark(`X;${NONCE};c1;3`))).toEqual([{ type: 'exit', id: 'c1', exitCode: 3 }]);
    expect(events(mark(`X;${NONCE}`))).toEqual([{ type: 'exit', id: '', exitCode: null }]);
  });

  it('reads a status that is not a number 0-255 as unknown, never as a made-up code', () => {
    for (const status of ['256', '-1', '1a', '', '0001']) {
      expect(events(mark(`E;${NONCE};c1;${status};;/`))).toEqual([
        { type: 'end', id: 'c1', exitCode: null, tracing: false, cwd: '/' },
      ]);
    }
  });

  it('reads an end mark without flags or cwd fields', () => {
    expect(events(mark(`E;${NONCE};c1;0`))).toEqual([{ type: 'end', id: 'c1', exitCode: 0, tracing: false }]);
    expect(events(mark(`P;${NONCE}`))).toEqual([{ type: 'prompt', id: '', exitCode: null, tracing: false }]);
  });
});

import { BoundedOutputBuffer, lastLines } from './output-buffer';

describe('BoundedOutputBuffer fed in small chunks', () => {
  it('drops whole old tail chunks and trims the oldest kept one on read', () => {
    const buf = new BoundedOutputBuffer(6, { headBytes: 2 });
    for (const chunk of ['ab', 'cd', 'ef', 'gh', 'ij', 'k']) buf.append(Buffer.from(chunk));
    expect(buf.totalBytes).toBe(11);
    expect(buf.read()).toEqual({ text: 'abhijk', truncatedBytes: 5 });
  });

  it('ignores empty chunks', () => {
    const buf = new BoundedOutputBuffer(4);
    buf.append(Buffer.alloc(0));
    expect(buf.totalBytes).toBe(0);
    expect(buf.read()).toEqual({ text: '', truncatedBytes: 0 });
  });
});

describe('lastLines', () => {
  it('keeps the last n lines and a final newline, which is not a line of its own', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('a\nb\nc', 2)).toBe('b\nc');
    expect(lastLines('a\nb\n', 5)).toBe('a\nb\n');
    expect(lastLines('', 3)).toBe('');
  });
});

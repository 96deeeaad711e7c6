import { type PullProgressEvent } from '@vth/backend-container';
import { PassThrough } from 'node:stream';
import { PullProgressBar } from './pull-progress';

const MB = 1024 * 1024;

/** A pull of two layers as the Docker Engine reports it (`POST /images/create`), one line at a time. */
const FAKE_PULL: PullProgressEvent[] = [
  { status: 'Pulling from library/debian', id: '12' },
  { status: 'Pulling fs layer', id: 'aaa' },
  { status: 'Pulling fs layer', id: 'bbb' },
  { status: 'Downloading', id: 'aaa', progressDetail: { current: 1 * MB, total: 4 * MB } },
  { status: 'Downloading', id: 'bbb', progressDetail: { current: 1 * MB, total: 4 * MB } },
  { status: 'Downloading', id: 'aaa', progressDetail: { current: 3 * MB, total: 4 * MB } },
  { status: 'Download complete', id: 'aaa' },
  { status: 'Extracting', id: 'aaa', progressDetail: { current: 2 * MB, total: 4 * MB } },
  { status: 'Pull complete', id: 'aaa' },
  { status: 'Download complete', id: 'bbb' },
  { status: 'Pull complete', id: 'bbb' },
  { status: 'Digest: sha256:0123' },
  { status: 'Status: Downloaded newer image for debian:12' },
];

function render(tty: boolean): { text: string; lines: string[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const bar = new PullProgressBar(out, tty, 'debian:12', 10);
  const lines: string[] = [];
  for (const event of FAKE_PULL) {
    bar.update(event);
    lines.push(bar.line());
  }
  bar.finish();
  out.end();
  return { text, lines };
}

describe('PullProgressBar', () => {
  it('follows the bytes and layers of a fake progress stream to 100%', () => {
    const { lines } = render(true);
    expect(lines[2]).toBe('debian:12 [----------]   0%  0.0/0.0 MB  0/2 layers');
    expect(lines[4]).toBe('debian:12 [###-------]  25%  2.0/8.0 MB  0/2 layers');
    expect(lines[6]).toBe('debian:12 [######----]  62%  5.0/8.0 MB  0/2 layers');
    expect(lines[8]).toBe('debian:12 [######----]  62%  5.0/8.0 MB  1/2 layers');
    expect(lines.at(-1)).toBe('debian:12 [##########] 100%  8.0/8.0 MB  2/2 layers');
  });

  it('on a terminal redraws one line in place and ends it', () => {
    const { text } = render(true);
    expect(text.split('\r\x1b[K')).toHaveLength(FAKE_PULL.length + 1);
    expect(text.endsWith('debian:12 [##########] 100%  8.0/8.0 MB  2/2 layers\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
  });

  it('in a pipe writes nothing', () => {
    expect(render(false).text).toBe('');
  });
});

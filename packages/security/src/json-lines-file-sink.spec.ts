import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRecord } from './audit-log';
import { JsonLinesFileSink } from './json-lines-file-sink';

const record = (n: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
  time: new Date(1_700_000_000_000 + n).toISOString(),
  backendId: 'b1',
  backendType: 'node-pty',
  sessionId: 's1',
  command: `echo ${n} "quoted" \n second line`,
  outcome: 'completed',
  exitCode: 0,
  durationMs: n,
  ...over,
});

async function lines(path: string): Promise<AuditRecord[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
}

describe('JsonLinesFileSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vth-audit-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes one JSON object per line, in order, under 1000 concurrent records', async () => {
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path);
    // Records arrive from many tasks that interleave, as commands of many sessions would.
    await Promise.all(
      Array.from({ length: 10 }, async (_, task) => {
        for (let i = 0; i < 100; i++) {
          sink.write(record(task * 100 + i));
          if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    await sink.close();
    const written = await lines(path);
    expect(written).toHaveLength(1000);
    expect(written[0]).toEqual(record(0));
    // Per task, the order of calls is kept; overall, every record is there exactly once.
    for (let task = 0; task < 10; task++) {
      const mine = written.filter((r) => Math.floor(r.durationMs / 100) === task).map((r) => r.durationMs);
      expect(mine).toEqual(Array.from({ length: 100 }, (_, i) => task * 100 + i));
    }
  });

  it('keeps exact call order for records written back to back', async () => {
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path);
    for (let i = 0; i < 1000; i++) sink.write(record(i));
    await sink.close();
    expect((await lines(path)).map((r) => r.durationMs)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('opens lazily, creates the file 0600 and appends to what is there', async () => {
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path);
    await sink.flush();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    sink.write(record(1));
    await sink.flush();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await sink.close();
    const again = new JsonLinesFileSink(path);
    again.write(record(2));
    await again.close();
    expect((await lines(path)).map((r) => r.durationMs)).toEqual([1, 2]);
  });

  it('honours a custom mode', async () => {
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path, { mode: 0o640 });
    sink.write(record(1));
    await sink.close();
    expect((await stat(path)).mode & 0o777).toBe(0o640 & ~process.umask());
  });

  it('reports a write failure through onError and never throws into the caller', async () => {
    const onError = jest.fn();
    const sink = new JsonLinesFileSink(join(dir, 'no', 'such', 'dir', 'audit.jsonl'), { onError });
    expect(() => sink.write(record(1))).not.toThrow();
    expect(() => sink.write(record(2))).not.toThrow();
    await expect(sink.close()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalled();
    const error = onError.mock.calls[0]![0] as Error;
    expect(error.message).toMatch(
      /audit record\(s\) to .*no\/such\/dir\/audit\.jsonl failed; they are lost: ENOENT/,
    );
  });

  it('tries again after a failure: a later record reaches the file once it can be opened', async () => {
    const onError = jest.fn();
    const path = join(dir, 'later', 'audit.jsonl');
    const sink = new JsonLinesFileSink(path, { onError });
    sink.write(record(1));
    await sink.flush();
    expect(onError).toHaveBeenCalledTimes(1);
    await mkdir(join(dir, 'later'));
    sink.write(record(2));
    await sink.close();
    expect((await lines(path)).map((r) => r.durationMs)).toEqual([2]);
  });

  it('does not follow a symlink planted at its path', async () => {
    const target = join(dir, 'target');
    await writeFile(target, 'untouched\n');
    const path = join(dir, 'audit.jsonl');
    await symlink(target, path);
    const onError = jest.fn();
    const sink = new JsonLinesFileSink(path, { onError });
    sink.write(record(1));
    await sink.close();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(await readFile(target, 'utf8')).toBe('untouched\n');
  });

  it('reopens the file after close (for rotation)', async () => {
    const path = join(dir, 'audit.jsonl');
    const rotated = join(dir, 'audit.jsonl.1');
    const sink = new JsonLinesFileSink(path);
    sink.write(record(1));
    await sink.close();
    await rename(path, rotated);
    sink.write(record(2));
    await sink.close();
    expect((await lines(rotated)).map((r) => r.durationMs)).toEqual([1]);
    expect((await lines(path)).map((r) => r.durationMs)).toEqual([2]);
  });

  it('drops records beyond maxPendingRecords and says how many', async () => {
    const onError = jest.fn();
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path, { onError, maxPendingRecords: 10 });
    for (let i = 0; i < 25; i++) sink.write(record(i));
    await sink.close();
    const kept = (await lines(path)).map((r) => r.durationMs);
    // The first record was taken by the writer at once; the next ten waited; the rest did not fit.
    expect(kept).toEqual(Array.from({ length: 11 }, (_, i) => i));
    const messages = onError.mock.calls.map((c) => (c[0] as Error).message);
    expect(messages).toEqual([
      expect.stringMatching(/10 records are waiting for the disk; dropping/),
      expect.stringMatching(/14 record\(s\) were dropped/),
    ]);
  });

  it('reports a record that cannot be serialised', async () => {
    const onError = jest.fn();
    const path = join(dir, 'audit.jsonl');
    const sink = new JsonLinesFileSink(path, { onError });
    sink.write(record(1, { durationMs: 10n as unknown as number }));
    sink.write(record(2));
    await sink.close();
    expect(onError.mock.calls[0]![0].message).toMatch(/^serialising an audit record failed/);
    expect((await lines(path)).map((r) => r.durationMs)).toEqual([2]);
  });
});

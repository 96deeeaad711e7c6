import { spawn, type ChildProcess } from 'node:child_process';
import { pollUntil } from './helpers';
import {
  descendantsOf,
  listDescendantProcesses,
  parseProcStat,
  type ProcessStat,
} from './list-descendant-processes';

const children: ChildProcess[] = [];
function start(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const until = (done: (list: string[]) => boolean, root?: number) =>
  pollUntil(() => listDescendantProcesses(root), done, { timeoutMs: 5000, intervalMs: 10 });

describe('parseProcStat', () => {
  it('reads pid, comm (spaces and parentheses included), state, ppid and start time', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'Z';
    fields[1] = '77';
    fields[19] = '123456';
    expect(parseProcStat(`4242 (a (b) c) ${fields.join(' ')}\n`)).toEqual({
      pid: 4242,
      ppid: 77,
      comm: 'a (b) c',
      state: 'Z',
      startTime: 123456,
    });
  });

  it('answers null for text that is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeNull();
  });
});

describe('descendantsOf', () => {
  it('walks children and grandchildren, nothing else', () => {
    const stat = (pid: number, ppid: number): ProcessStat => ({
      pid,
      ppid,
      comm: 'x',
      state: 'S',
      startTime: pid,
    });
    const table = [stat(1, 0), stat(10, 1), stat(11, 10), stat(12, 11), stat(20, 1)];
    expect(descendantsOf(table, 10).map((s) => s.pid)).toEqual([11, 12]);
  });
});

describe('listDescendantProcesses', () => {
  it('lists a child while it runs and forgets it once it has ended', async () => {
    const child = start('sleep', ['30']);
    expect(await until((list) => list.includes(`${child.pid} sleep`))).toContain(`${child.pid} sleep`);
    child.kill('SIGKILL');
    expect(await until((list) => !list.some((entry) => entry.startsWith(`${child.pid} `)))).not.toContain(
      `${child.pid} sleep`,
    );
  });

  it('lists zombies: a child that ended and was not reaped', async () => {
    // sh starts `sleep 0` in the background, then becomes `sleep 30`, which never reaps it.
    const parent = start('sh', ['-c', 'sleep 0 & exec sleep 30']);
    const list = await until((l) => l.some((entry) => entry.endsWith('<zombie>')), parent.pid);
    expect(list).toEqual([expect.stringMatching(/^\d+ sleep <zombie>$/)]);
  });
});

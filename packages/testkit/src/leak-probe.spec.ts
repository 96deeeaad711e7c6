import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createLeakProbe } from './leak-probe';

describe('createLeakProbe with a custom listLeaks', () => {
  it('does not count what existed before the suite started', async () => {
    const present = ['container old'];
    const probe = createLeakProbe(async () => present.slice());
    await probe.start();
    present.push('container new');
    await expect(probe.list()).resolves.toEqual(['container new']);
  });

  it('reports a lister that failed at the start when the leaks are asked for', async () => {
    const probe = createLeakProbe(async () => {
      throw new Error('docker is not running');
    });
    await probe.start();
    await expect(probe.list()).rejects.toThrow('docker is not running');
  });

  it('settles once the leaks are gone', async () => {
    let calls = 0;
    const probe = createLeakProbe(async () => (++calls < 3 ? ['socket /tmp/x'] : []));
    await probe.start();
    await expect(probe.settle(5000)).resolves.toEqual([]);
  });
});

describe('createLeakProbe by default (processes)', () => {
  it('reports a descendant started after the baseline, and nothing once it ended', async () => {
    const probe = createLeakProbe();
    await probe.start();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await expect(probe.list()).resolves.toContain(`${child.pid} sleep`);
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    await expect(probe.settle(5000)).resolves.toEqual([]);
  });

  it('still reports a process observed before its parent ended, once it is orphaned', async () => {
    const probe = createLeakProbe();
    await probe.start();
    const shell = spawn('sh', ['-c', 'sleep 30 & echo $!; read x'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const [line] = (await once(shell.stdout!, 'data')) as [Buffer];
    const orphan = Number(line.toString().trim());
    try {
      await probe.observe('the orphan test');
      shell.stdin!.end(); // `read` sees EOF, sh exits, its `sleep 30` is reparented away from us
      await once(shell, 'exit');
      const leaks = await probe.list();
      expect(leaks).toEqual([
        expect.stringMatching(
          new RegExp(`^${orphan} sleep \\(orphaned, now a child of \\d+; seen in "the orphan test"\\)$`),
        ),
      ]);
    } finally {
      process.kill(orphan, 'SIGKILL');
    }
    await expect(probe.settle(5000)).resolves.toEqual([]);
  });
});

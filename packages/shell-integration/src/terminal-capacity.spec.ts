import { defaultMaxSessions, exhaustionHint, fdBudget, ptyBudget } from './terminal-capacity';

describe('terminal capacity (Linux)', () => {
  it('reads the pty budget of this devpts instance and the descriptors of this process', () => {
    const pty = ptyBudget();
    expect(pty).not.toBeNull();
    expect(pty!.limit).toBeGreaterThan(0);
    expect(pty!.inUse).toBeGreaterThanOrEqual(0);
    const fds = fdBudget();
    expect(fds!.open).toBeGreaterThan(2);
    expect(fds!.limit).toBeGreaterThanOrEqual(fds!.open);
  });

  it('explains a failure only when a resource ran out or the cause names one', () => {
    expect(exhaustionHint('some other failure')).toBeNull();
    expect(exhaustionHint('create window failed: fork failed: No space left on device')).toMatch(
      /^no pseudo-terminal is left \(\d+ of \d+ in use; the limit is .+\): close sessions/,
    );
    expect(exhaustionHint('open: Too many open files')).toMatch(/ulimit -n/);
  });

  it('never defaults to fewer than one session, and shrinks with the memory a session costs', () => {
    expect(defaultMaxSessions(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(defaultMaxSessions(1)).toBeGreaterThanOrEqual(defaultMaxSessions(1024 * 1024 * 1024));
  });
});

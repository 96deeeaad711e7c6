import { bashDialect } from './bash-dialect';
import { posixDialect } from './posix-dialect';

describe('shell dialect options and their defaults', () => {
  it.each([bashDialect, posixDialect])(
    '$name: quiet() turns ONLCR off unless asked to keep it',
    (dialect) => {
      expect(dialect.quiet()).toBe(dialect.quiet({ keepOnlcr: false }));
      expect(dialect.quiet()).toContain('-onlcr');
      expect(dialect.quiet({ keepOnlcr: true })).not.toContain('-onlcr');
    },
  );

  it('bash: lingers on exit only when asked, with a builtin read (no process to fork)', () => {
    expect(bashDialect.bootstrap('Nonce1')).toBe(bashDialect.bootstrap('Nonce1', { exitLingerMs: 0 }));
    expect(bashDialect.bootstrap('Nonce1')).not.toContain('read -r -t');
    expect(bashDialect.bootstrap('Nonce1', { exitLingerMs: 250 })).toContain(
      '\\builtin read -r -t 0.250 __vth_z;',
    );
  });

  it('bash: a command or a batch without a form is typed as with an empty one', () => {
    expect(bashDialect.command('c1', 'ls -la')).toBe(bashDialect.command('c1', 'ls -la', {}));
    const items = [
      { id: 'c1', command: 'echo a' },
      { id: 'c2', command: 'echo b' },
    ];
    expect(bashDialect.commandBatch!(items)).toBe(bashDialect.commandBatch!(items, {}));
  });

  it('bash: refuses to type a batch as one line beyond the terminal line limit', () => {
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `c${i}`, command: `echo ${'x'.repeat(400)}` }));
    expect(bashDialect.commandBatch!(items(2))).not.toBeNull();
    expect(bashDialect.commandBatch!(items(20))).toBeNull();
  });
});

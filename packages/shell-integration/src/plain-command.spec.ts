import { isPlainlyComplete } from './plain-command';

describe('isPlainlyComplete', () => {
  it.each([
    'true',
    'echo hello',
    'ls -la /tmp',
    'npm test -- --watch=false',
    'a=1; echo $a > /tmp/x &',
    'echo é 😀',
    '',
    // ANSI-C quotes, with escaped quotes inside; an escaped double quote inside double quotes.
    "printf $'a\\tb\\n'",
    "echo $'it\\'s'",
    'echo "say \\"hi\\""',
  ])('takes the fast path for %j', (c) => expect(isPlainlyComplete(c)).toBe(true));

  it.each([
    'cat <<EOF',
    'echo "open',
    'echo a \\',
    'ls |',
    'true &&',
    'false ||',
    'if true',
    'for x in 1 2',
    'echo done',
    'f() { :; }',
    'echo $(date)',
    'a\nb',
    '[[ -n x',
    'echo `date`',
    'echo "open',
    "echo 'open",
    'echo "$(date)"',
    'echo "`date`"',
    'echo "${x}"',
    "echo 'a' done",
    'echo "a" |',
    "echo $'open",
    "echo $'still open\\'",
  ])('takes the checked path for %j', (c) => expect(isPlainlyComplete(c)).toBe(false));
});

import { MARK_OSC, markFormat, quietLine } from './marks';
import { MAX_TYPED_LINE, packPieces, type ShellDialect } from './shell-dialect';
import { posixPieces } from './shell-quote';

/**
 * The fallback for shells other than bash (dash, busybox ash, ...): POSIX has no PROMPT_COMMAND, `$'...'`,
 * `[[` or `printf %q`. The prompt mark lives in PS1, which POSIX shells parameter-expand at each prompt
 * (`$?`, `$PWD`); the command travels single-quoted and runs with `eval`. As in bash, the nonce is typed
 * once (bootstrap) and kept in the hook functions and PS1, none of them exported.
 * Limits, documented in the README: no completeness check (an incomplete command reports the shell's syntax
 * error instead of waiting for more input), the cwd is reported unquoted, `set -x` traces the wrapper, job
 * notices are the shell's, and `exec sh` loses the hooks.
 */
export const posixDialect: ShellDialect = {
  name: 'posix',
  spawnArgs: ['-i'],

  quiet(options = {}) {
    return quietLine(options.keepOnlcr === true);
  },

  bootstrap(nonce) {
    // The escape bytes are produced by printf so the typed text itself stays printable.
    const ps1 = `"$(printf '\\033]${MARK_OSC};P;${nonce};')"'\${__vth_id-};$?;$-;$PWD'"$(printf '\\007')"`;
    return (
      [
        "PS2=''",
        'unset __vth_id __vth_c',
        '__vth_id=',
        `__vth_b(){ __vth_id=$1; printf '${markFormat('S', nonce, ['%s'])}' "$1"; }`,
        `__vth_e(){ printf '${markFormat('E', nonce, ['%s', '%s', '%s', '%s'])}' "$__vth_id" "$1" "$-" "$PWD"; __vth_id=; }`,
        '__vth_i(){ __vth_id=$1; }',
        `PS1=${ps1}`,
      ].join('; ') + '\n'
    );
  },

  command(id, command) {
    const words = packPieces(posixPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
    const lines = words.map((w, i) => (i === 0 ? `__vth_c='${w}'` : `__vth_c="$__vth_c"'${w}'`));
    const run = `__vth_b ${id} && eval "$__vth_c"; { __vth_e $?; unset __vth_c; } 2>&-`;
    return [...lines, run].join('\n') + '\n';
  },

  rawCommand() {
    return null;
  },

  commandBatch() {
    return null;
  },

  probe(id) {
    return `__vth_i ${id}\n`;
  },
};

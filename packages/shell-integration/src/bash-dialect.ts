import { markFormat } from './marks';
import { MAX_TYPED_LINE, packPieces, type ShellDialect } from './shell-dialect';
import { ansiCPieces, ansiCQuote, literalTerminalInput } from './shell-quote';

/*
 * Design notes (see TERMINAL-FACTS.md):
 * - Every command carries its own end mark (a wrapper), so a user replacing PROMPT_COMMAND or PS1 (rc files,
 *   venv, conda) cannot break completion.
 * - The prompt hook (PROMPT_COMMAND) is the second channel: it ends commands the wrapper cannot (Ctrl-C aborts
 *   the rest of the line, `exec bash`, an incomplete command typed raw). It is re-armed before every command,
 *   exported so it survives `exec bash`, and guarded by the shell's pid so child shells stay silent.
 * - The command text travels as one ANSI-C quoted word, so it is inert to the terminal and the parser, and is
 *   run with `eval`. Before running, it is parsed as a function body: valid text cannot execute there (its
 *   braces balance inside the body), and incomplete text (open heredoc, quote) answers `I` instead of being
 *   fed the wrapper's own text.
 * - Only builtins and keywords, each as `\builtin` so no alias or function named like them interferes;
 *   `${PWD-}` and `$?` are safe under `set -u`; the wrapper's own steps cannot fail under `set -e`.
 */

function promptHook(nonce: string): string {
  // __vth_pid is exported and $$ survives `exec`: child shells that inherit the hook stay silent.
  return `__vth_s=$?;[[ $$ == \${__vth_pid-} ]]&&\\builtin printf '${markFormat('P', nonce, ['%s', '%s', '%q'])}' "\${__vth_id-}" "$__vth_s" "\${PWD-}"`;
}

function rearm(nonce: string): string {
  return (
    // A shell that does not know our marker variable is fresh (`exec bash`): quiet it again. Line editing off
    // also keeps readline from echoing and redrawing what we type.
    `[[ \${__vth_q-} == ${nonce} ]]||{ PS1='' PS2='' PS0='';\\builtin set +o emacs +o vi +o history;__vth_q=${nonce};};` +
    // Prepend the prompt hook unless present; other hooks keep running after it.
    `[[ \${PROMPT_COMMAND-} == *${nonce}* ]]||{ PROMPT_COMMAND=${ansiCQuote(promptHook(nonce))}"\${PROMPT_COMMAND:+;$PROMPT_COMMAND}";\\builtin export PROMPT_COMMAND;};`
  );
}

function assign(command: string): { lines: string[]; inline: string } {
  const words = packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
  if (words.length === 1) return { lines: [], inline: `__vth_c=$'${words[0]}';` };
  const lines = words.map((w, i) => `__vth_c${i === 0 ? '' : '+'}=$'${w}'`);
  return { lines, inline: '' };
}

export const bashDialect: ShellDialect = {
  name: 'bash',
  spawnArgs: ['--noprofile', '--norc', '--noediting', '-i'],

  bootstrap(nonce) {
    return (
      [
        'stty -echo -onlcr 2>/dev/null',
        'HISTFILE=',
        // `$$` is this shell's pid, and stays the same across `exec bash`.
        `__vth_pid=$$`,
        'export __vth_pid',
        'unset PROMPT_COMMAND',
        rearm(nonce),
      ].join(';') + '\n'
    );
  },

  command(nonce, id, command) {
    const { lines, inline } = assign(command);
    // With a long command the re-arm goes first, on its own line, so a fresh shell's line editor is off
    // before the long lines arrive.
    const head = lines.length > 0 ? [rearm(nonce), ...lines] : [];
    const line =
      (lines.length > 0 ? '' : rearm(nonce)) +
      `__vth_id=${id};\\builtin printf '${markFormat('S', nonce, [id])}';${inline}` +
      `if \\builtin eval "__vth_f() { $__vth_c"$'\\n}' 2>/dev/null;then \\builtin unset -f __vth_f;` +
      `\\builtin eval "$__vth_c";__vth_s=$?;\\builtin unset __vth_c;` +
      `\\builtin printf '${markFormat('E', nonce, [id, '%s', '%q'])}' "$__vth_s" "\${PWD-}";` +
      `else \\builtin printf '${markFormat('I', nonce, [id])}';fi`;
    return [...head, line].join('\n') + '\n';
  },

  rawCommand(nonce, id, command) {
    const text = literalTerminalInput(command);
    if (text.split('\n').some((l) => Buffer.byteLength(l) > MAX_TYPED_LINE)) return null;
    return `\\builtin unset __vth_c;__vth_id=${id};\\builtin printf '${markFormat('S', nonce, [id])}';${text}\n`;
  },
};

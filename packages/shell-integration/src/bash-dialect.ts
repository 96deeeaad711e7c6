import { markFormat } from './marks';
import { MAX_TYPED_LINE, packPieces, type ShellDialect } from './shell-dialect';
import { ansiCPieces, literalTerminalInput } from './shell-quote';
import { isPlainlyComplete } from './plain-command';

/*
 * Design notes (see TERMINAL-FACTS.md):
 * - Every command carries its own end mark (a wrapper), so a user replacing PROMPT_COMMAND or PS1 (rc files,
 *   venv, conda) cannot break completion.
 * - The prompt hook (PROMPT_COMMAND) is the second channel: it ends commands the wrapper cannot (Ctrl-C aborts
 *   the rest of the line, `exec bash`, an incomplete command typed raw). It is re-armed before every command,
 *   exported so it survives `exec bash`, and guarded by the shell's pid so child shells stay silent. It stays
 *   quiet after a command whose end mark was printed, which saves a write and a wakeup per command.
 * - The command text travels as one ANSI-C quoted word, so it is inert to the terminal and the parser, and is
 *   run with `eval`. Text that could be incomplete is first parsed as a function body: valid text cannot
 *   execute there (its braces balance inside the body), and incomplete text (open heredoc, quote) answers `I`
 *   instead of being fed the wrapper's own text. Text that plainly cannot be incomplete skips that check.
 * - Only builtins and keywords, each as `\builtin` so no alias or function named like them interferes;
 *   `${PWD-}` and `$?` are safe under `set -u`; the wrapper's own steps cannot fail under `set -e`.
 */

/**
 * The hooks live in functions named after the nonce and exported (`export -f`), so they survive
 * `exec bash` and cost a call, not a parse of their text:
 * - `__vth_p_<nonce>`, the prompt hook. PROMPT_COMMAND calls it only while `__vth_id` is set, that is when
 *   a command started and did not print its end mark (Ctrl-C, `exec bash`, raw input): a command that ends
 *   normally empties `__vth_id` with its end mark, so its prompt costs one expansion, no call and no write.
 *   (The hook leaves `__vth_id` set: raw input that fails to parse runs nothing, and its prompt must still
 *   name the command.)
 *   `__vth_id` is exported so the shell that `exec bash` starts still knows the command it ends. The hook
 *   checks `$$` against the exported `__vth_pid` (`$$` survives `exec`): child shells stay silent. It ends
 *   in `if`, so it returns 0 and cannot end a shell running under `set -e`.
 * - `__vth_r_<nonce>`, the re-arm: a fresh shell (`exec bash`) is quieted again (line editing off also
 *   keeps readline from echoing what we type) and a replaced PROMPT_COMMAND gets the hook back in front.
 * - `__vth_x_<nonce>`, the EXIT trap: `exit 3` (or a failure under `set -e`) reports its status before the
 *   shell goes, which a backend that cannot see the shell's exit status (a tmux pane) needs.
 * - `__vth_b_<nonce>` and `__vth_e_<nonce>`: the begin (guard, id, start mark) and end (end mark) of a
 *   plain command, so its line is `__vth_b_<nonce> <id>;eval $'...';__vth_e_<nonce> $?`: a fifth of the
 *   inline form. Commands that take the checked path keep the inline form.
 */
function hooks(nonce: string, exitLingerMs: number): string {
  const p = `__vth_p_${nonce}`;
  const r = `__vth_r_${nonce}`;
  // `read -t` is a builtin wait: no process to fork on the way out.
  const linger = exitLingerMs > 0 ? `\\builtin read -r -t ${(exitLingerMs / 1000).toFixed(3)} __vth_z;` : '';
  return (
    `${p}(){ local s=$?;if [[ $$ == \${__vth_pid-} ]];then ` +
    `\\builtin printf '${markFormat('P', nonce, ['%s', '%s', '%q'])}' "\${__vth_id-}" "$s" "\${PWD-}";fi;};` +
    `${r}(){ [[ \${__vth_q-} == ${nonce} ]]||{ PS1='' PS2='' PS0='';\\builtin set +o emacs +o vi +o history +H;__vth_q=${nonce};};` +
    `[[ \${PROMPT_COMMAND-} == *${p}* ]]||{ PROMPT_COMMAND='\${__vth_id:+${p}}'"\${PROMPT_COMMAND:+;$PROMPT_COMMAND}";\\builtin export PROMPT_COMMAND;};};` +
    `__vth_x_${nonce}(){ local s=$?;if [[ $$ == \${__vth_pid-} ]];then \\builtin printf '${markFormat('X', nonce, ['%s', '%s'])}' "\${__vth_id-}" "$s";${linger}fi;};` +
    // Begin and end of a plain command, so its typed line stays short (a tmux pane pays for every character).
    `__vth_b_${nonce}(){ ${rearm(nonce)}__vth_id=$1;\\builtin printf '${markFormat('S', nonce, ['%s'])}' "$1";};` +
    `__vth_e_${nonce}(){ \\builtin printf '${markFormat('E', nonce, ['%s', '%s', '%q'])}' "$__vth_id" "$1" "\${PWD-}";__vth_id=;};` +
    `\\builtin export -f ${p} ${r} __vth_x_${nonce} __vth_b_${nonce} __vth_e_${nonce}`
  );
}

/** The per-command guard: one test in the common case, the re-arm function only when something changed. */
function rearm(nonce: string): string {
  return `[[ \${__vth_q-} == ${nonce} && \${PROMPT_COMMAND-} == *__vth_p_${nonce}* ]]||__vth_r_${nonce};`;
}

/** The short form of a plain command (see hooks). */
const plain = (nonce: string, id: string, word: string) =>
  `__vth_b_${nonce} ${id};\\builtin eval $'${word}';__vth_e_${nonce} $?`;

const begin = (id: string) => `__vth_id=${id};`;
const startMark = (nonce: string, id: string) => `\\builtin printf '${markFormat('S', nonce, [id])}';`;
const end = (nonce: string, id: string, status: string) =>
  `\\builtin printf '${markFormat('E', nonce, [id, '%s', '%q'])}' "${status}" "\${PWD-}";__vth_id=`;

export const bashDialect: ShellDialect = {
  name: 'bash',
  spawnArgs: ['--noprofile', '--norc', '--noediting', '-i'],

  bootstrap(nonce, options = {}) {
    return (
      [
        options.keepOnlcr ? 'stty -echo 2>/dev/null' : 'stty -echo -onlcr 2>/dev/null',
        'HISTFILE=',
        // `$$` is this shell's pid, and stays the same across `exec bash`.
        '__vth_pid=$$',
        'export __vth_pid',
        'unset PROMPT_COMMAND',
        // Exported once and emptied, never unset, after each command: assignments keep it exported for the
        // shell `exec bash` starts, without an export per command.
        'export __vth_id=',
        hooks(nonce, options.exitLingerMs ?? 0),
        `__vth_r_${nonce}`,
        `trap __vth_x_${nonce} EXIT`,
        // The ready signal: a prompt mark from a shell that has run nothing yet (empty id).
        `\\builtin printf '${markFormat('P', nonce, ['', '0', '%q'])}' "\${PWD-}"`,
      ].join(';') + '\n'
    );
  },

  command(nonce, id, command) {
    const words = packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
    if (words.length === 1 && isPlainlyComplete(command)) {
      return `${plain(nonce, id, words[0]!)}\n`;
    }
    // Long text is assembled in a variable over several lines; the re-arm then goes first, on its own
    // line, so a fresh shell's line editor is off before the long lines arrive.
    const assign = words.map((w, i) => `__vth_c${i === 0 ? '' : '+'}=$'${w}'`);
    const head =
      words.length === 1 ? rearm(nonce) + assign[0] + ';' : [rearm(nonce), ...assign, ''].join('\n');
    // The start mark follows the check, so input sent meanwhile can wait for it (see the runner's sendInput).
    return (
      head +
      `${begin(id)}if \\builtin eval "__vth_f() { $__vth_c"$'\\n}' 2>/dev/null;then \\builtin unset -f __vth_f;` +
      `\\builtin printf '${markFormat('S', nonce, [id])}';` +
      `\\builtin eval "$__vth_c";__vth_s=$?;\\builtin unset __vth_c;${end(nonce, id, '$__vth_s')};` +
      `else \\builtin printf '${markFormat('I', nonce, [id])}';fi\n`
    );
  },

  probe(nonce, id) {
    return `${rearm(nonce)}${begin(id)}\n`;
  },

  commandBatch(nonce, items) {
    let line = '';
    for (const { id, command } of items) {
      const words = packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
      if (words.length !== 1 || !isPlainlyComplete(command)) return null;
      line += `${plain(nonce, id, words[0]!)};`;
    }
    return Buffer.byteLength(line) <= MAX_TYPED_LINE ? line + '\n' : null;
  },

  rawCommand(nonce, id, command) {
    const text = literalTerminalInput(command);
    if (text.split('\n').some((l) => Buffer.byteLength(l) > MAX_TYPED_LINE)) return null;
    return `\\builtin unset __vth_c;${begin(id)}${startMark(nonce, id)}${text}\n`;
  },
};

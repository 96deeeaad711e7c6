import { MARK_OSC, markFormat, quietLine } from './marks';
import { MAX_TYPED_LINE, packPieces, type ShellDialect } from './shell-dialect';
import { ansiCPieces, literalTerminalInput } from './shell-quote';
import { isPlainlyComplete } from './plain-command';

/*
 * Design notes (see the README's "Marks and what a session can forge"):
 * - The nonce is the session's secret. It is typed once, in the bootstrap, before anything of the user's
 *   runs; it then lives only inside the bodies of unexported shell functions. No variable, function name,
 *   command line or environment entry a child process can see carries it, and command lines name the hooks,
 *   not the secret, so a process that reads the terminal's input learns nothing it can forge marks with.
 * - Every command carries its own end mark (so a user replacing PROMPT_COMMAND or PS1 — rc files, venv,
 *   conda — cannot break completion); the prompt hook ends what the line cannot: Ctrl-C (bash abandons the
 *   rest of the line) and commands typed raw.
 * - `__vth_b <id> && eval ...`: without the hooks (a shell that replaced ours, `exec bash`) nothing of the
 *   command runs; the exported PROMPT_COMMAND (no secret in it) makes such a shell ask to be re-armed with an
 *   `R` mark, which the runner honours only when the shell itself holds the terminal.
 * - `set -x`: the hooks turn tracing off before anything of theirs is traced and the eval'd text turns it
 *   back on, so only the user's command is traced; the end hook runs with stderr closed (`2>&-`), which
 *   hides its own trace line at the cost of a few microseconds.
 * - Background jobs are released from the job table (`disown -a`) when their command ends, so their
 *   completion notices (`[1]+ Done ...`) never land in another command's output.
 * - Only builtins and keywords, each as `\builtin` so no alias or function named like them interferes;
 *   `${PWD-}` and `$?` are safe under `set -u`; the hooks' own steps cannot fail under `set -e`.
 */

/** The names of vth's hook functions and variables in the shell. */
const FUNCTIONS = ['__vth_r', '__vth_b', '__vth_k', '__vth_e', '__vth_p', '__vth_x', '__vth_i'];
const VARIABLES = ['__vth_id', '__vth_X', '__vth_t', '__vth_h', '__vth_pid', '__vth_z', '__vth_R', '__vth_P'];

/**
 * stderr for a hook call that must not be traced: closed (`-`) while `set -x` is on, which hides the
 * trace line bash writes for the call itself; `2` otherwise, which bash skips without a system call.
 */
const QUIET = `2>&\${__vth_R[k\${-//[!x]/}]:-2}`;

/**
 * vth's part of PROMPT_COMMAND, put in front of the user's own by the begin hooks and taken off again by
 * the end hook: a command that ends normally leaves nothing to run at its prompt. While a
 * command runs it is there (exported), so the prompt hook ends what the line could not (Ctrl-C, input typed
 * raw), and a shell that replaced ours (`exec bash`, which knows none of the hooks) prints the re-arm
 * request `ESC ] 6973 ; R BEL` instead. It holds no secret.
 */
const PROMPT_PART = `{ \${__vth_h+__vth_p}; } ${QUIET};\${__vth_h-printf \\\\033]${MARK_OSC}\\;R\\\\007};`;

/** Turns `set -x` off for the hooks, remembering in `__vth_X` the text that turns it back on for the user. */
const TRACE_OFF = `__vth_X=;[[ $- != *x* ]]||{ \\builtin set +x;__vth_X=$'\\\\builtin set -x\\n';};`;
/** Puts vth's part in front of PROMPT_COMMAND, once, and keeps it exported. */
const ARM_PROMPT = `\\builtin export PROMPT_COMMAND="\${__vth_P-}\${PROMPT_COMMAND:+\${PROMPT_COMMAND#"\${__vth_P-}"}}";`;
/** Takes vth's part off PROMPT_COMMAND, leaving the user's own as it is now. */
const DISARM_PROMPT = `PROMPT_COMMAND=\${PROMPT_COMMAND:+\${PROMPT_COMMAND#"\${__vth_P-}"}};`;

function hooks(nonce: string, exitLingerMs: number): string {
  // `read -t` is a builtin wait: no process to fork on the way out.
  const linger = exitLingerMs > 0 ? `\\builtin read -r -t ${(exitLingerMs / 1000).toFixed(3)} __vth_z;` : '';
  const S = markFormat('S', nonce, ['%s']);
  return (
    // Quiet: no prompts, no line editing (it would echo), no history.
    `__vth_r(){ PS1='' PS2='' PS0='';\\builtin set +o emacs +o vi +o history +H;};` +
    // Begin of a command whose text is known complete: id, start mark.
    `__vth_b(){ ${TRACE_OFF}${ARM_PROMPT}__vth_id=$1;\\builtin printf '${S}' "$1";};` +
    // Begin of a command that may be incomplete: parsed as a function body first, where valid text cannot
    // execute; incomplete text answers `I` and runs nothing (the runner then types it raw).
    `__vth_k(){ ${TRACE_OFF}${ARM_PROMPT}__vth_id=$1;` +
    `if \\builtin eval "__vth_f() { $__vth_t"$'\\n}' 2>/dev/null;then \\builtin unset -f __vth_f;\\builtin printf '${S}' "$1";` +
    `else \\builtin printf '${markFormat('I', nonce, ['%s'])}' "$1";\\builtin return 1;fi;};` +
    `__vth_e(){ \\builtin disown -a;\\builtin printf '${markFormat('E', nonce, ['%s', '%s', '%q'])}' "$__vth_id" "$1" "\${PWD-}";` +
    `__vth_id=;__vth_X=;${DISARM_PROMPT}};` +
    // The prompt hook: Ctrl-C, raw input. It restores tracing the begin hook turned off, and stays armed
    // (as `__vth_id` stays set): raw input that fails to parse runs nothing, not even its begin hook, and its
    // prompt must still name the command. The next command's end mark disarms it.
    `__vth_p(){ \\builtin local s=$? x=;[[ $- != *x* ]]||{ \\builtin set +x;x=1;};\\builtin disown -a;` +
    `\\builtin printf '${markFormat('P', nonce, ['%s', '%s', '%q'])}' "\${__vth_id-}" "$s" "\${PWD-}";` +
    `[[ -z $x$__vth_X ]]||{ __vth_X=;\\builtin set -x;};};` +
    // The EXIT trap: `exit 3` (or a failure under `set -e`) reports its status before the shell goes, which
    // a backend that cannot see the shell's exit status (a tmux pane) needs. Subshells do not run it.
    `__vth_x(){ \\builtin local s=$?;[[ $BASHPID != "$__vth_pid" ]]||{ ` +
    `\\builtin printf '${markFormat('X', nonce, ['%s', '%s'])}' "\${__vth_id-}" "$s";${linger}};};` +
    // The probe: the next prompt mark names `id` (resynchronising after a lost connection).
    `__vth_i(){ ${ARM_PROMPT}__vth_id=$1;}`
  );
}

/** The form of a command whose text is known complete and fits one line (see hooks). */
const plain = (id: string, word: string) =>
  `__vth_b ${id}&&\\builtin eval "\${__vth_X-}"$'${word}';{ __vth_e $?; } ${QUIET}`;

export const bashDialect: ShellDialect = {
  name: 'bash',
  spawnArgs: ['--noprofile', '--norc', '--noediting', '-i'],

  quiet(options = {}) {
    // Line editing off too: a shell that replaced ours (`exec bash`) echoes through readline otherwise.
    return quietLine(options.keepOnlcr === true, '\\builtin set +o emacs +o vi 2>/dev/null;');
  },

  bootstrap(nonce, options = {}) {
    return (
      [
        'HISTFILE=',
        // Names that came in through the environment would keep their export attribute: drop them first.
        `\\builtin unset -f ${FUNCTIONS.join(' ')} 2>/dev/null`,
        `\\builtin unset ${VARIABLES.join(' ')} PROMPT_COMMAND`,
        '__vth_pid=$BASHPID',
        '__vth_id=',
        '__vth_h=',
        'declare -A __vth_R=([k]=2 [kx]=-)',
        `__vth_P='${PROMPT_PART}'`,
        hooks(nonce, options.exitLingerMs ?? 0),
        '__vth_r',
        'trap __vth_x EXIT',
        // The ready signal: a prompt mark from a shell that has run nothing yet (empty id).
        `\\builtin printf '${markFormat('P', nonce, ['', '0', '%q'])}' "\${PWD-}"`,
      ].join(';') + '\n'
    );
  },

  command(id, command) {
    const words = packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
    if (words.length === 1 && isPlainlyComplete(command)) return `${plain(id, words[0]!)}\n`;
    // The text is assembled in a variable (over several lines when long), then checked and run.
    const assign = words.map((w, i) => `__vth_t${i === 0 ? '' : '+'}=$'${w}'`);
    const run =
      `__vth_k ${id}&&{ \\builtin eval "\${__vth_X-}$__vth_t";` +
      `{ __vth_e $?;\\builtin unset __vth_t; } ${QUIET};}`;
    return words.length === 1 ? `${assign[0]};${run}\n` : [...assign, run, ''].join('\n');
  },

  probe(id) {
    return `__vth_i ${id}\n`;
  },

  commandBatch(items) {
    let line = '';
    for (const { id, command } of items) {
      const words = packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
      if (words.length !== 1 || !isPlainlyComplete(command)) return null;
      line += `${plain(id, words[0]!)};`;
    }
    return Buffer.byteLength(line) <= MAX_TYPED_LINE ? line + '\n' : null;
  },

  rawCommand(id, command) {
    const text = literalTerminalInput(command);
    if (text.split('\n').some((l) => Buffer.byteLength(l) > MAX_TYPED_LINE)) return null;
    return `\\builtin unset __vth_t;__vth_b ${id};${text}\n`;
  },
};

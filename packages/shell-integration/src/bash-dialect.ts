import { MARK_OSC, markFormat, quietLine } from './marks';
import { MAX_TYPED_LINE, packPieces, type CommandForm, type ShellDialect } from './shell-dialect';
import { ansiCPieces, literalTerminalInput } from './shell-quote';
import { isPlainlyComplete } from './plain-command';

/*
 * Design notes (see the README's "Marks and what a session can forge"):
 * - The nonce is the session's secret. It is typed once, in the bootstrap, when the shell says echo is off
 *   and before anything of the user's runs; it then lives only in unexported shell variables and function
 *   bodies. No environment entry, function name or command line carries it: command lines name the
 *   variables and hooks, not the secret, so a process that reads the terminal's input learns nothing it
 *   can forge marks with.
 * - Every command carries its own end mark (so a user replacing PROMPT_COMMAND or PS1 — rc files, venv,
 *   conda — cannot break completion); the prompt hook ends what the line cannot: Ctrl-C (bash abandons the
 *   rest of the line) and commands typed raw.
 * - Cost: bash pays about 28k instructions per function call and 20k per printf, so the common command (a
 *   plain one, tracing off) calls no function: its line sets the id, echoes the start mark from a variable
 *   and prints the end mark with a format from a variable. The checked, traced and raw forms use functions.
 * - `set -x`: the end of every line runs with stderr closed (`{ ...; } 2>&-`), which hides the trace of
 *   vth's own statements; end and prompt marks report whether tracing is on (`$-`), and while it is, the
 *   runner picks forms whose begin turns tracing off first and whose eval'd text turns it back on, so only
 *   the user's command is traced.
 * - Background jobs are released from the job table (`disown -a`) when their command ends, so their
 *   completion notices (`[1]+ Done ...`) never land in another command's output.
 * - A shell that replaced ours (`exec bash`) knows none of this; it runs the exported PROMPT_COMMAND, whose
 *   `${__vth_h-$__vth_R}` part prints the re-arm request `R` where `__vth_h` (ours, unexported) is unset;
 *   the runner honours it only when the shell itself holds the terminal. Neither holds a secret.
 * - Builtins as `\builtin` where a user's function or alias could take the name (printf, echo, eval);
 *   `${PWD-}` and `$?` are safe under `set -u`; nothing of vth's can end a shell under `set -e`.
 */

/** The names of vth's hook functions and variables in the shell. */
const FUNCTIONS = ['__vth_r', '__vth_B', '__vth_k', '__vth_e', '__vth_p', '__vth_x', '__vth_i', '__vth_g'];
const VARIABLES = [
  '__vth_id',
  '__vth_X',
  '__vth_t',
  '__vth_pid',
  '__vth_z',
  '__vth_S',
  '__vth_a',
  '__vth_E',
  '__vth_h',
];

/**
 * PROMPT_COMMAND: the prompt hook while a command has not printed its end mark, with stderr closed so that
 * under `set -x` the trace of its call stays out of the output; see the notes above.
 */
const PROMPT = `{ \${__vth_id:+__vth_p}; } 2>&-;\${__vth_h-$__vth_R}`;

/** Turns tracing off for a hook, remembering that the user had it on. */
const TRACE_OFF = `[[ $- != *x* ]]||{ \\builtin set +x;__vth_X=1;};`;

/** Puts the prompt hook back (a user replaced PROMPT_COMMAND): for the probe and input typed raw. */
const GUARD = `[[ \${PROMPT_COMMAND-} == *__vth_p* ]]||\\builtin export PROMPT_COMMAND='${PROMPT}'"\${PROMPT_COMMAND:+;$PROMPT_COMMAND}";`;

const START = `\\builtin echo -n "$__vth_S$1$__vth_a";`;
const END = (status: string) =>
  `\\builtin printf "$__vth_E" "$__vth_id" "${status}" "$-" "\${PWD-}";\\builtin disown -a;__vth_id=;`;

function hooks(nonce: string, exitLingerMs: number): string {
  // `read -t` is a builtin wait: no process to fork on the way out.
  const linger = exitLingerMs > 0 ? `\\builtin read -r -t ${(exitLingerMs / 1000).toFixed(3)} __vth_z;` : '';
  return (
    // The marks' fixed parts, with the secret: only the shell itself can read these variables.
    `__vth_S=$'\\e]${MARK_OSC};S;${nonce};';__vth_a=$'\\a';` +
    `__vth_E='${markFormat('E', nonce, ['%s', '%s', '%s', '%q'])}';` +
    // Quiet: no prompts, no line editing (it would echo), no history, no history expansion.
    `__vth_r(){ PS1='' PS2='' PS0='';\\builtin set +o emacs +o vi +o history +H;};` +
    // Begin of a plain command while tracing may be on: tracing off first (the eval'd text turns it back on).
    `__vth_B(){ ${TRACE_OFF}__vth_id=$1;${START}};` +
    // Begin of a command that may be incomplete: parsed as a function body first, where valid text cannot
    // execute; incomplete text answers `I` and runs nothing (the runner then types it raw).
    `__vth_k(){ ${TRACE_OFF}__vth_id=$1;` +
    `if \\builtin eval "__vth_f() { $__vth_t"$'\\n}' 2>/dev/null;then \\builtin unset -f __vth_f;${START}` +
    `else \\builtin printf '${markFormat('I', nonce, ['%s'])}' "$1";\\builtin return 1;fi;};` +
    `__vth_e(){ ${END('$1')}__vth_X=;\\builtin unset __vth_t;};` +
    // The prompt hook: Ctrl-C, raw input. It leaves `__vth_id` set (raw input that fails to parse runs
    // nothing, not even its begin, and its next prompt must still name the command) and turns back on the
    // tracing a begin hook turned off.
    `__vth_p(){ \\builtin local s=$? x=;[[ $- != *x* ]]||{ \\builtin set +x;x=1;};\\builtin disown -a;` +
    `\\builtin printf '${markFormat('P', nonce, ['%s', '%s', '%s', '%q'])}' "\${__vth_id-}" "$s" "\${x:+x}\${__vth_X:+x}" "\${PWD-}";` +
    `[[ -z $x$__vth_X ]]||{ __vth_X=;\\builtin set -x;};};` +
    // The EXIT trap: `exit 3` (or a failure under `set -e`) reports its status before the shell goes, which
    // a backend that cannot see the shell's exit status (a tmux pane) needs. Subshells do not run it.
    `__vth_x(){ \\builtin local s=$?;[[ $BASHPID != "$__vth_pid" ]]||{ ` +
    `\\builtin printf '${markFormat('X', nonce, ['%s', '%s'])}' "\${__vth_id-}" "$s";${linger}};};` +
    // The probe: the next prompt mark names `id` (resynchronising, or ending an interrupted command).
    `__vth_i(){ ${GUARD}__vth_id=$1;};` +
    // Begin of input typed raw: the prompt hook must be there to end it.
    `__vth_g(){ ${TRACE_OFF}${GUARD}__vth_id=$1;${START}}`
  );
}

/** Printable ASCII but `'` and `\`: text that is its own ANSI-C quoted word (most commands). */
const OWN_WORD = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/** The ANSI-C quoted word(s) of a command: pieces packed into words short enough to type. */
function quotedWords(command: string): string[] {
  if (command.length <= MAX_TYPED_LINE && OWN_WORD.test(command)) return [command];
  return packPieces(ansiCPieces(Buffer.from(command, 'utf8')), MAX_TYPED_LINE);
}

/** What eval'd text starts with: tracing back on when a begin hook turned it off. */
const TRACE_BACK = `"\${__vth_X:+\\builtin set -x$'\\n'}"`;

/**
 * The lines of plain commands (known complete, one word each). The first begins with the plain statements
 * unless tracing is on; each next one begins inside the end of the one before, which runs with stderr
 * closed and turns tracing off, so a `set -x` in a command cannot show the next one's statements (they hold
 * the secret) or its `eval`.
 */
function plainLine(items: ReadonlyArray<{ id: string; word: string }>, form: CommandForm): string {
  let line = '';
  items.forEach(({ id, word }, i) => {
    const begin = `__vth_id=${id};\\builtin echo -n "$__vth_S"${id}"$__vth_a"`;
    if (i === 0) line += form.tracing ? `__vth_B ${id}` : begin;
    else line += `{ ${END('$?')}__vth_X=;${TRACE_OFF}${begin}; } 2>&-`;
    line += `&&\\builtin eval ${TRACE_BACK}$'${word}';`;
  });
  return `${line}{ ${END('$?')}__vth_X=; } 2>&-`;
}

/**
 * The dialect for bash: hooks in unexported functions and `PROMPT_COMMAND`, a completeness
 * check before each command (an incomplete one answers with an `I` mark and runs nothing), the cwd quoted
 * with `printf %q`, vth's statements kept out of `set -x` traces, and re-arming after `exec bash`.
 */
export const bashDialect: ShellDialect = {
  name: 'bash',
  spawnArgs: ['--noprofile', '--norc', '--noediting', '-i'],

  quiet(options = {}) {
    // Line editing off too: a shell that replaced ours (`exec bash`) echoes through readline otherwise.
    // No history file either: a shell that replaced ours would save what is typed next.
    return quietLine(
      options.keepOnlcr === true,
      'HISTFILE=;\\builtin set +o history +o emacs +o vi 2>/dev/null;',
    );
  },

  bootstrap(nonce, options = {}) {
    return (
      [
        'HISTFILE=',
        // Names that came in through the environment would keep their export attribute: drop them first.
        `\\builtin unset -f ${FUNCTIONS.join(' ')} 2>/dev/null`,
        `\\builtin unset ${VARIABLES.join(' ')} __vth_R PROMPT_COMMAND`,
        '__vth_pid=$BASHPID',
        '__vth_id=',
        '__vth_h=',
        // Exported, and no secret: what a shell that replaced ours runs at its prompt.
        `\\builtin export __vth_R='printf \\033]${MARK_OSC};R\\007' PROMPT_COMMAND='${PROMPT}'`,
        hooks(nonce, options.exitLingerMs ?? 0),
        '__vth_r',
        'trap __vth_x EXIT',
        // The ready signal: a prompt mark from a shell that has run nothing yet (empty id).
        `\\builtin printf '${markFormat('P', nonce, ['', '0', '', '%q'])}' "\${PWD-}"`,
      ].join(';') + '\n'
    );
  },

  command(id, command, form = {}) {
    const words = quotedWords(command);
    if (words.length === 1 && isPlainlyComplete(command))
      return `${plainLine([{ id, word: words[0]! }], form)}\n`;
    // The text is assembled in a variable (over several lines when long), then checked and run.
    const assign = words.map((w, i) => `__vth_t${i === 0 ? '' : '+'}=$'${w}'`);
    const run = `__vth_k ${id}&&{ \\builtin eval ${TRACE_BACK}"$__vth_t";{ __vth_e $?; } 2>&-;}`;
    return words.length === 1 ? `${assign[0]};${run}\n` : [...assign, run, ''].join('\n');
  },

  probe(id) {
    return `__vth_i ${id}\n`;
  },

  commandBatch(items, form = {}) {
    const plain: Array<{ id: string; word: string }> = [];
    for (const { id, command } of items) {
      const words = quotedWords(command);
      if (words.length !== 1 || !isPlainlyComplete(command)) return null;
      plain.push({ id, word: words[0]! });
    }
    const line = plainLine(plain, form);
    return Buffer.byteLength(line) <= MAX_TYPED_LINE ? line + '\n' : null;
  },

  rawCommand(id, command) {
    const text = literalTerminalInput(command);
    if (text.split('\n').some((l) => Buffer.byteLength(l) > MAX_TYPED_LINE)) return null;
    return `\\builtin unset __vth_t;__vth_g ${id};${text}\n`;
  },
};

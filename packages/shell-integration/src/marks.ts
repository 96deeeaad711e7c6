/**
 * The wire format of shell integration marks, in the spirit of OSC 133 / OSC 633 but with a private
 * number and a per-session nonce:
 *
 *   ESC ] 6973 ; S ; <nonce> ; <id> BEL                      command <id> started (the shell read it)
 *   ESC ] 6973 ; E ; <nonce> ; <id> ; <status> ; <flags> ; <cwd> BEL
 *                                                            command <id> ended with $? and $PWD; <flags> is $-
 *                                                            (an `x` in it: `set -x` is on)
 *   ESC ] 6973 ; I ; <nonce> ; <id> BEL                      command <id> is incomplete text; nothing ran
 *   ESC ] 6973 ; P ; <nonce> ; <id> ; <status> ; <flags> ; <cwd> BEL
 *                                                            the shell shows a prompt (last $?, $PWD);
 *                                                            <id> is the last command the shell started, empty
 *                                                            in a shell that has run nothing yet
 *   ESC ] 6973 ; X ; <nonce> ; <id> ; <status> BEL          the shell is exiting with <status> (`exit 3`)
 *   ESC ] 6973 ; Q BEL                                        the shell has turned terminal echo off: what is typed
 *                                                            next (the secret) is not echoed (no nonce: nothing
 *                                                            of the session runs yet when it is expected)
 *   ESC ] 6973 ; R BEL                                        a shell without vth's hooks (one that replaced
 *                                                            vth's shell: `exec bash`) asks to be re-armed;
 *                                                            it carries no nonce, so it proves nothing by itself
 *
 * `<cwd>` is shell-quoted (bash `printf %q`) so it can hold any byte but NUL. Terminals ignore OSC
 * sequences they do not know, so marks are invisible if they ever reach a screen.
 */
export const MARK_OSC = '6973';
/** What every mark starts with (`ESC ] 6973 ;`). */
export const MARK_PREFIX = `\x1b]${MARK_OSC};`;
/** What ends every mark (BEL). */
export const MARK_TERMINATOR = '\x07';

/** The marks that carry the nonce: start, end, incomplete, prompt, exit (see `MARK_OSC`). */
export type MarkKind = 'S' | 'E' | 'I' | 'P' | 'X';

/** The body of the re-arm request (`ESC ] 6973 ; R BEL`). */
export const REARM_REQUEST = 'R';

/** The body of the quiet mark (`ESC ] 6973 ; Q BEL`): echo is off, the secret may be typed. */
export const QUIET = 'Q';

/** The text that makes a shell of either dialect turn echo off and say so with the quiet mark. */
export function quietLine(keepOnlcr: boolean, extra = ''): string {
  return `stty -echo${keepOnlcr ? '' : ' -onlcr'} 2>/dev/null;${extra}printf '\\033]${MARK_OSC};${QUIET}\\007'\n`;
}

/** The printf format (for the shell) of a mark; the shell fills its `%s`/`%q` fields. */
export function markFormat(kind: MarkKind, nonce: string, fields: readonly string[]): string {
  return ['\\033]' + MARK_OSC, kind, nonce, ...fields].join(';') + '\\007';
}

/** Nonces and ids travel inside marks and shell words: keep them to a safe alphabet. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

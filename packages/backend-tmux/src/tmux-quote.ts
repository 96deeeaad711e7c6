/**
 * Quoting for tmux's command language, as typed on a control-mode line. Every argument we build from
 * caller data goes through here, so no session name, path, environment value or key text can end the
 * argument, start another command (`;`), expand a variable (`$`, `~`) or break the line (a newline).
 */

const OCTAL = (b: number) => `\\${b.toString(8).padStart(3, '0')}`;

/**
 * One tmux argument. Plain printable text is single-quoted (no escapes inside); anything with a quote or
 * a control byte is double-quoted with `\\`, `\\"`, `\\$` escaped and control bytes as octal `\\ooo`, which
 * tmux's parser turns back into the raw bytes. The result never holds a raw newline.
 *
 * @example quoteTmuxArg("it's") === '"it\'s"'; quoteTmuxArg('a\nb') === '"a\\012b"'
 */
export function quoteTmuxArg(value: string): string {
  if (/^[^\x00-\x1f\x7f'\\]*$/.test(value)) return `'${value}'`;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"' || ch === '$') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += OCTAL(code);
    else out += ch;
  }
  return out + '"';
}

/**
 * An argument tmux expands as a format (the `-c` start directory): `#` is doubled so `#{...}` in a path
 * stays text.
 */
export function quoteTmuxFormatArg(value: string): string {
  return quoteTmuxArg(value.replace(/#/g, '##'));
}

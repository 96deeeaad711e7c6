import { createHash } from 'node:crypto';

/** The default of `maxCommandBytes`: enough for any command a person types, small against 1 MiB ones. */
export const DEFAULT_MAX_COMMAND_BYTES = 4096;

/** A command as an audit record keeps it: a prefix, plus the length and digest of the whole text. */
export interface BoundedCommand {
  /** The first `maxBytes` bytes of the text, cut at a character boundary. */
  command: string;
  /** UTF-8 length of the whole text. */
  commandBytes: number;
  /** Hex sha256 of the whole text (UTF-8). */
  commandSha256: string;
  /** True when `command` is shorter than the text. */
  truncated: boolean;
}

/**
 * Cuts a text to at most `maxBytes` UTF-8 bytes without splitting a character, and describes the whole
 * text by its length and sha256, so a record stays small yet still identifies what ran: a person holding
 * the command can check it against the digest.
 *
 * @example
 * ```ts
 * boundCommand('x'.repeat(1 << 20), 4096); // { command: 'xxx…' (4096), commandBytes: 1048576, … }
 * ```
 */
export function boundCommand(text: string, maxBytes: number): BoundedCommand {
  const bytes = Buffer.from(text, 'utf8');
  const commandSha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length <= maxBytes) {
    return { command: text, commandBytes: bytes.length, commandSha256, truncated: false };
  }
  return {
    command: cutUtf8(bytes, maxBytes),
    commandBytes: bytes.length,
    commandSha256,
    truncated: true,
  };
}

/** Cuts a text to at most `maxBytes` UTF-8 bytes at a character boundary (no digest). */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Three bytes per UTF-16 unit at most: short texts skip the encoding.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= maxBytes ? text : cutUtf8(bytes, maxBytes);
}

function cutUtf8(bytes: Buffer, maxBytes: number): string {
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut falls before a character, not inside it.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

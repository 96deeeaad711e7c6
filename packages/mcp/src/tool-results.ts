import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type BackendError, type BackendResult } from '@vth/core';
import { BoundedOutputBuffer } from '@vth/core/kit';

/** An answer both ways: `structuredContent` for programs, the same facts as text for the model. */
export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * A failed call as a tool error (`isError`), its code first so the agent can act on it. Text only: a client
 * checks any `structuredContent` against the tool's output schema, errors included.
 */
export function toolError(error: Pick<BackendError, 'code' | 'message' | 'details'>): CallToolResult {
  const details = error.details ?? {};
  // What an agent acts on next: the running command it collided with, how long to wait.
  const hints = [
    typeof details['handle'] === 'string' ? `running command: handle ${details['handle']}` : '',
    typeof details['retryAfterMs'] === 'number' ? `retry in ${details['retryAfterMs']} ms` : '',
  ].filter(Boolean);
  const text = `${error.code}: ${error.message}${hints.length ? ` (${hints.join('; ')})` : ''}`;
  return { content: [{ type: 'text', text }], isError: true };
}

/** `ok` mapped through `render`, a failure as a tool error. */
export function fromResult<T>(
  result: BackendResult<T>,
  render: (value: T) => CallToolResult,
): CallToolResult {
  return result.ok ? render(result.value) : toolError(result.error);
}

/**
 * `text` within `maxBytes` (UTF-8): head and tail kept, the middle cut; `truncatedBytes` counts the cut.
 *
 * @example boundOutput(hugeLog, 65536) // { output: 'first…last', truncatedBytes: 1048576 }
 */
export function boundOutput(text: string, maxBytes: number): { output: string; truncatedBytes: number } {
  if (text.length <= maxBytes / 4 || Buffer.byteLength(text, 'utf8') <= maxBytes)
    return { output: text, truncatedBytes: 0 };
  const buffer = new BoundedOutputBuffer(maxBytes);
  buffer.append(Buffer.from(text, 'utf8'));
  const { text: output, truncatedBytes } = buffer.read();
  return { output, truncatedBytes };
}

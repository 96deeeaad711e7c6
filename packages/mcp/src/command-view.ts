import { type CommandExecution, type CommandOutput, type CommandWaitResult } from '@vth/core';
import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { boundOutput, toolResult } from './tool-results';

/** The structured answer of `command_run`, `command_read` and `command_wait`. */
export const commandViewShape = {
  sessionId: z.string(),
  status: z.enum(['completed', 'timed-out', 'interrupted', 'lost', 'running']),
  exitCode: z.number().nullable(),
  cwd: z.string().optional(),
  output: z.string(),
  truncatedBytes: z.number(),
  durationMs: z.number(),
  handle: z.string().optional(),
  nextOffset: z.number().optional(),
  skippedBytes: z.number().optional(),
  reason: z.enum(['pattern', 'idle', 'exit', 'timeout']).optional(),
  match: z.object({ text: z.string(), offset: z.number() }).optional(),
};

type Answer = CommandExecution | CommandOutput | CommandWaitResult;

/**
 * A command's state as a tool answer. `handle` and `nextOffset` are given while it runs (to read on);
 * output beyond `maxOutputBytes` is cut from the middle and counted in `truncatedBytes`.
 */
export function commandView(answer: Answer, maxOutputBytes: number): CallToolResult {
  const bounded = boundOutput(answer.output, maxOutputBytes);
  const truncatedBytes = ('truncatedBytes' in answer ? answer.truncatedBytes : 0) + bounded.truncatedBytes;
  const handle = 'handle' in answer ? answer.handle : undefined;
  const running = answer.status === 'running';
  const structured = {
    sessionId: answer.sessionId,
    status: answer.status,
    exitCode: answer.exitCode,
    ...(answer.cwd === undefined ? {} : { cwd: answer.cwd }),
    output: bounded.output,
    truncatedBytes,
    durationMs: answer.durationMs,
    ...(running && handle !== undefined ? { handle } : {}),
    ...(answer.nextOffset === undefined ? {} : { nextOffset: answer.nextOffset }),
    ...('skippedBytes' in answer && answer.skippedBytes > 0 ? { skippedBytes: answer.skippedBytes } : {}),
    ...('reason' in answer ? { reason: answer.reason } : {}),
    ...('match' in answer && answer.match ? { match: answer.match } : {}),
  };
  const cut = truncatedBytes > 0 ? `; ${truncatedBytes} bytes cut from the middle` : '';
  const head = running
    ? `still running after ${answer.durationMs} ms (handle ${handle ?? '?'})${cut}: follow it with ` +
      'command_read or command_wait, answer prompts with session_send, stop it with session_interrupt'
    : `${answer.status}, exit code ${answer.exitCode ?? 'unknown'}${answer.cwd === undefined ? '' : `, cwd ${answer.cwd}`}, ` +
      `${answer.durationMs} ms${cut}`;
  const why = 'reason' in answer ? `waited: ${answer.reason}\n` : '';
  return toolResult(structured, `${why}${head}\n${bounded.output}`);
}

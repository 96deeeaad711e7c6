import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { fail, parseCommandHandle, type BackendResult, type CommandHandle } from '@vth/core';
import { z } from 'zod';
import { reportProgress, type ToolExtra } from './call-progress';
import { type ClientSessions } from './client-sessions';
import { commandView, commandViewShape } from './command-view';
import { type McpToolOptions } from './mcp-options';
import { fromResult, toolError } from './tool-results';

const sessionId = z.string().min(1).max(64).describe('A session id from session_open.');
const handle = z
  .string()
  .min(1)
  .max(200)
  .describe('The handle command_run answered with while the command was running.');

/** The handle, when it names a command in one of this client's sessions. */
function ownHandle(sessions: ClientSessions, value: string): BackendResult<CommandHandle> {
  const parsed = parseCommandHandle(value);
  if (!parsed.ok) return parsed;
  const owned = sessions.get(parsed.value.sessionId);
  return owned.ok ? parsed : fail('COMMAND_NOT_FOUND', `no command "${value}"`, { dispatched: false });
}

function unsupported(what: string) {
  return toolError({
    code: 'UNSUPPORTED',
    message: `this backend cannot follow a running command (${what} needs capabilities.longCommands)`,
  });
}

/** `command_run`, `command_read`, `command_wait`. */
export function registerCommandTools(
  server: McpServer,
  sessions: ClientSessions,
  options: McpToolOptions,
): void {
  const wait = (what: string) =>
    z
      .number()
      .int()
      .min(1)
      .max(options.maxWaitMs)
      .describe(`${what} (milliseconds, at most ${options.maxWaitMs}).`);
  const { backend } = sessions;

  server.registerTool(
    'command_run',
    {
      title: 'Run a command',
      description:
        'Runs one shell command line in a session and waits for it, at most yieldAfterMs ' +
        `(default ${options.defaultYieldMs} ms). Done in time: status "completed" with exitCode, cwd and output ` +
        '(exactly what it printed, no prompt). Still going: status "running" with a handle and the output so far; ' +
        'the command keeps running: follow it with command_read / command_wait, type into it with session_send ' +
        '(prompts, full-screen programs; read those with session_screen), stop it with session_interrupt. ' +
        `Output over ${options.maxOutputBytes} bytes keeps its head and tail (truncatedBytes counts the cut). ` +
        'One command at a time per session (BUSY while one runs). Shell state (cwd, variables) persists.',
      inputSchema: {
        sessionId,
        command: z
          .string()
          .min(1)
          .max(1024 * 1024)
          .describe('The command line, as typed into bash.'),
        yieldAfterMs: wait('Answer "running" after this long if the command has not ended').optional(),
        timeoutMs: z
          .number()
          .int()
          .min(1)
          .max(24 * 3_600_000)
          .optional()
          .describe('Stop the command (status "timed-out") after this long. Default: no limit.'),
      },
      outputSchema: commandViewShape,
    },
    async (args, extra: ToolExtra) => {
      const owned = sessions.get(args.sessionId);
      if (!owned.ok) return toolError(owned.error);
      let bytes = 0;
      const stop = reportProgress(extra, options.progressIntervalMs, () => `${bytes} bytes of output so far`);
      try {
        const yieldAfterMs = args.yieldAfterMs ?? options.defaultYieldMs;
        const long = backend.capabilities.longCommands === true;
        // Without long commands the call cannot return early: the command gets the deadline instead.
        const timeoutMs = long ? args.timeoutMs : Math.min(args.timeoutMs ?? yieldAfterMs, yieldAfterMs);
        const run = await backend.executeCommand(
          args.sessionId,
          args.command,
          undefined,
          sessions.context({
            maxOutputBytes: options.maxOutputBytes,
            onOutput: (chunk) => (bytes += Buffer.byteLength(chunk)),
            ...(long ? { yieldAfterMs } : {}),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          }),
        );
        return fromResult(run, (value) => commandView(value, options.maxOutputBytes));
      } finally {
        stop();
      }
    },
  );

  server.registerTool(
    'command_read',
    {
      title: 'Read a running command',
      description:
        'New output of a command that command_run left running, from where the previous read or wait stopped ' +
        '(or from sinceOffset: pass the nextOffset of an earlier answer), and its status: "running", or how it ' +
        'ended with exitCode and cwd. With waitMs, waits that long for something new. skippedBytes counts output ' +
        'the backend no longer holds.',
      inputSchema: {
        handle,
        sinceOffset: z.number().int().min(0).optional().describe('Byte offset to read from (a nextOffset).'),
        waitMs: wait('With nothing new yet, wait up to this long').optional(),
      },
      outputSchema: commandViewShape,
    },
    async (args, extra: ToolExtra) => {
      if (!backend.readOutput || backend.capabilities.longCommands !== true)
        return unsupported('command_read');
      const owned = ownHandle(sessions, args.handle);
      if (!owned.ok) return toolError(owned.error);
      const stop = reportProgress(extra, options.progressIntervalMs, () => 'waiting for output');
      try {
        const read = await backend.readOutput(args.handle, {
          maxBytes: options.maxOutputBytes,
          ...(args.sinceOffset === undefined ? {} : { sinceOffset: args.sinceOffset }),
          ...(args.waitMs === undefined ? {} : { waitMs: args.waitMs }),
        });
        return fromResult(read, (value) => commandView(value, options.maxOutputBytes));
      } finally {
        stop();
      }
    },
  );

  server.registerTool(
    'command_wait',
    {
      title: 'Wait for a running command',
      description:
        'Waits until a command that command_run left running prints text matching `pattern` (a JavaScript ' +
        'regular expression), or prints nothing for `quietMs`, or ends (`exit: true`) — give exactly one — at most ' +
        `timeoutMs (default ${options.defaultYieldMs}). Answers why it returned (reason: pattern, idle, exit or ` +
        'timeout; a timeout is an answer, not an error), the output from sinceOffset (default: where the last read ' +
        'stopped) and the status. Use it for "server is listening", a prompt, or the end of a build.',
      inputSchema: {
        handle,
        pattern: z
          .string()
          .min(1)
          .max(1024)
          .optional()
          .describe('Regular expression to wait for in the output.'),
        quietMs: wait('Return once the command printed nothing for this long').optional(),
        exit: z.boolean().optional().describe('true: wait for the command to end.'),
        timeoutMs: wait('Give up after this long').optional(),
        sinceOffset: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Where the pattern starts looking (a nextOffset).'),
      },
      outputSchema: commandViewShape,
    },
    async (args, extra: ToolExtra) => {
      if (!backend.waitFor || backend.capabilities.longCommands !== true) return unsupported('command_wait');
      const owned = ownHandle(sessions, args.handle);
      if (!owned.ok) return toolError(owned.error);
      const conditions = [args.pattern, args.quietMs, args.exit === true ? true : undefined];
      if (conditions.filter((c) => c !== undefined).length !== 1)
        return toolError({
          code: 'INVALID_INPUT',
          message: 'give exactly one of pattern, quietMs, exit: true',
        });
      const stop = reportProgress(extra, options.progressIntervalMs, () => 'waiting');
      try {
        const waited = await backend.waitFor(args.handle, {
          timeoutMs: args.timeoutMs ?? options.defaultYieldMs,
          ...(args.pattern === undefined ? {} : { pattern: args.pattern }),
          ...(args.quietMs === undefined ? {} : { idleMs: args.quietMs }),
          ...(args.exit === true ? { exit: true as const } : {}),
          ...(args.sinceOffset === undefined ? {} : { sinceOffset: args.sinceOffset }),
        });
        return fromResult(waited, (value) => commandView(value, options.maxOutputBytes));
      } finally {
        stop();
      }
    },
  );
}

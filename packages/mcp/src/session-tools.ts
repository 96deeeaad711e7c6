import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClientSessions } from './client-sessions';
import { type McpToolOptions } from './mcp-options';
import { isKeyName, keySequence, NAMED_KEYS } from './named-keys';
import { fromResult, toolError, toolResult } from './tool-results';

const sessionId = z.string().min(1).max(64).describe('A session id from session_open.');

const KEY_HELP = `${NAMED_KEYS.join(', ')}, Ctrl-A … Ctrl-Z (Ctrl-C interrupts, Ctrl-D ends input)`;

/** `session_open`, `session_list`, `session_close`, `session_send`, `session_screen`, `session_interrupt`. */
export function registerSessionTools(
  server: McpServer,
  sessions: ClientSessions,
  options: McpToolOptions,
): void {
  const { backend } = sessions;

  server.registerTool(
    'session_open',
    {
      title: 'Open a terminal session',
      description:
        `Opens a persistent bash session (a ${options.cols}x${options.rows} terminal) and answers its sessionId. ` +
        'The shell keeps its state (cwd, variables, background jobs) between commands. Only you can see it; it is ' +
        `closed when your MCP session ends. At most ${options.maxSessions} at once: close what you no longer need.`,
      inputSchema: {
        cwd: z.string().min(1).max(4096).optional().describe('Working directory to start in.'),
        env: z.record(z.string(), z.string()).optional().describe('Extra environment variables.'),
      },
      outputSchema: { sessionId: z.string(), cwd: z.string().optional(), backendId: z.string() },
    },
    async (args) =>
      fromResult(
        await sessions.open({
          ...(args.cwd === undefined ? {} : { cwd: args.cwd }),
          ...(args.env === undefined ? {} : { env: args.env }),
        }),
        (info) =>
          toolResult(
            {
              sessionId: info.id,
              backendId: info.backendId,
              ...(info.cwd === undefined ? {} : { cwd: info.cwd }),
            },
            `opened session ${info.id}${info.cwd === undefined ? '' : ` in ${info.cwd}`}`,
          ),
      ),
  );

  server.registerTool(
    'session_list',
    {
      title: 'List your terminal sessions',
      description: 'Your open sessions: id, whether the shell is alive, its cwd and when it was opened.',
      inputSchema: {},
      outputSchema: {
        sessions: z.array(
          z.object({
            sessionId: z.string(),
            alive: z.boolean(),
            cwd: z.string().optional(),
            createdAt: z.number(),
          }),
        ),
      },
    },
    async () => {
      const listed = await backend.listSessions();
      if (!listed.ok) return toolError(listed.error);
      const known = new Map(listed.value.map((s) => [s.id, s]));
      const mine = sessions.owned().map((s) => {
        const info = known.get(s.id);
        return {
          sessionId: s.id,
          alive: info?.alive ?? false,
          ...(info?.cwd === undefined ? {} : { cwd: info.cwd }),
          createdAt: s.createdAt,
        };
      });
      const text = mine.length
        ? mine
            .map((s) => `${s.sessionId} ${s.alive ? 'alive' : 'ended'}${s.cwd ? ` ${s.cwd}` : ''}`)
            .join('\n')
        : 'no sessions (open one with session_open)';
      return toolResult({ sessions: mine }, text);
    },
  );

  server.registerTool(
    'session_close',
    {
      title: 'Close a terminal session',
      description: 'Ends the session and everything running in it.',
      inputSchema: { sessionId },
      outputSchema: { sessionId: z.string(), closed: z.boolean() },
    },
    async (args) =>
      fromResult(await sessions.closeSession(args.sessionId), () =>
        toolResult({ sessionId: args.sessionId, closed: true }, `closed session ${args.sessionId}`),
      ),
  );

  server.registerTool(
    'session_send',
    {
      title: 'Type into a terminal session',
      description:
        'Types `text` exactly as given (no Enter added), then presses each of `keys` in order, into the program ' +
        'running in the session: answers a prompt (text "yes", keys ["Enter"]), drives a full-screen program ' +
        '(vi: keys ["Escape"], then text ":wq" keys ["Enter"]), or ends input (keys ["Ctrl-D"]). Keys: ' +
        `${KEY_HELP}. Cursor keys follow the mode the program asked for. Read the effect with session_screen ` +
        'or command_read.',
      inputSchema: {
        sessionId,
        text: z
          .string()
          .max(64 * 1024)
          .optional()
          .describe('Literal text to type.'),
        keys: z
          .array(z.string().refine(isKeyName, { error: `must be a key name: ${KEY_HELP}` }))
          .max(256)
          .optional()
          .describe('Keys to press after the text, by name.'),
      },
      outputSchema: { sessionId: z.string(), bytes: z.number() },
    },
    async (args) => {
      const owned = sessions.get(args.sessionId);
      if (!owned.ok) return toolError(owned.error);
      if (!args.text && !args.keys?.length)
        return toolError({ code: 'INVALID_INPUT', message: 'give text, keys or both' });
      // The screen must have seen every byte so far, so the cursor mode is the program's current one.
      await owned.value.screen.flushed();
      const application = owned.value.screen.applicationCursorKeys;
      const data = (args.text ?? '') + (args.keys ?? []).map((k) => keySequence(k, application)!).join('');
      return fromResult(await backend.sendInput(args.sessionId, data), () =>
        toolResult(
          { sessionId: args.sessionId, bytes: Buffer.byteLength(data) },
          `sent ${Buffer.byteLength(data)} bytes`,
        ),
      );
    },
  );

  server.registerTool(
    'session_screen',
    {
      title: 'Read the screen of a terminal session',
      description:
        'The terminal screen as a person would see it now, one line per row, with the cursor position: for ' +
        'full-screen programs (vi, less, top, htop, a REPL) and prompts, whose output is not a plain stream. ' +
        'alternateScreen tells whether a full-screen program is showing.',
      inputSchema: { sessionId },
      outputSchema: {
        sessionId: z.string(),
        cols: z.number(),
        rows: z.number(),
        lines: z.array(z.string()),
        cursor: z.object({ row: z.number(), col: z.number() }),
        alternateScreen: z.boolean(),
        applicationCursorKeys: z.boolean(),
      },
    },
    async (args) => {
      const owned = sessions.get(args.sessionId);
      if (!owned.ok) return toolError(owned.error);
      const view = await owned.value.screen.view();
      return toolResult(
        { sessionId: args.sessionId, ...view },
        `${view.cols}x${view.rows}, cursor at row ${view.cursor.row} col ${view.cursor.col}` +
          `${view.alternateScreen ? ', full-screen program' : ''}\n${view.lines.join('\n')}`,
      );
    },
  );

  server.registerTool(
    'session_interrupt',
    {
      title: 'Interrupt the running command',
      description:
        'Sends Ctrl-C to what runs in the session (and escalates if it ignores it), so a running command ends ' +
        '"interrupted". The session stays usable.',
      inputSchema: { sessionId },
      outputSchema: { sessionId: z.string(), interrupted: z.boolean() },
    },
    async (args) => {
      const owned = sessions.get(args.sessionId);
      if (!owned.ok) return toolError(owned.error);
      return fromResult(await backend.interrupt(args.sessionId), () =>
        toolResult({ sessionId: args.sessionId, interrupted: true }, `interrupted session ${args.sessionId}`),
      );
    },
  );
}

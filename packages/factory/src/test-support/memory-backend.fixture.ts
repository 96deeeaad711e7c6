import {
  MetricsRecorder,
  fail,
  ok,
  type BackendCapabilities,
  type BackendConfig,
  type BackendEventMap,
  type BackendHealth,
  type BackendMetrics,
  type BackendPlugin,
  type BackendResult,
  type CommandExecution,
  type ITerminalBackend,
  type SessionInfo,
} from '@vth/core';
import { EventEmitter } from 'node:events';
import { z } from 'zod';

export const memoryCapabilities: BackendCapabilities = {
  persistentSessions: true,
  multiplePanes: false,
  resize: false,
  interrupt: true,
  sendInput: true,
  capture: true,
  streaming: false,
  exitCodes: true,
  cwdTracking: false,
  isolation: 'none',
  remote: false,
};

/** Has defaults at two levels, so a test can see that `initialize` gets the parsed config, not the input. */
export const memoryConfigSchema = z.object({
  shell: z.string().default('sh'),
  limits: z
    .object({
      maxSessions: z.number().int().positive().default(4),
      greeting: z.string().optional(),
    })
    .default({ maxSessions: 4 }),
});
export type MemoryConfig = z.infer<typeof memoryConfigSchema>;

export interface MemoryBackendHooks {
  initialize?: (config: BackendConfig) => Promise<BackendResult<void>>;
}

/**
 * An in-memory ITerminalBackend for factory tests: sessions are map entries, `executeCommand` echoes the
 * command. It records the calls the factory makes (initialize, shutdown), which is what the tests check.
 */
export class MemoryBackend extends EventEmitter<BackendEventMap> implements ITerminalBackend {
  readonly type = 'memory';
  readonly capabilities = memoryCapabilities;
  id = 'memory-unnamed';
  initializedWith: BackendConfig | undefined;
  shutdownCalls = 0;
  private readonly sessions = new Map<string, SessionInfo>();
  private next = 0;
  private readonly metrics = new MetricsRecorder();

  constructor(
    readonly createdWith: unknown,
    private readonly hooks: MemoryBackendHooks = {},
  ) {
    super();
  }

  async initialize(config: BackendConfig): Promise<BackendResult<void>> {
    this.initializedWith = config;
    if (config.id !== undefined) this.id = config.id;
    return this.hooks.initialize ? this.hooks.initialize(config) : ok();
  }

  async createSession(): Promise<BackendResult<SessionInfo>> {
    const info: SessionInfo = {
      id: `s${++this.next}`,
      backendId: this.id,
      createdAt: Date.now(),
      panes: ['0'],
      alive: true,
    };
    this.sessions.set(info.id, info);
    this.emit('session-created', info);
    return ok(info);
  }

  async destroySession(sessionId: string): Promise<BackendResult<void>> {
    if (!this.sessions.delete(sessionId)) return fail('SESSION_NOT_FOUND', `no session "${sessionId}"`);
    this.emit('session-closed', { sessionId, reason: 'destroyed' });
    return ok();
  }

  async listSessions(): Promise<BackendResult<SessionInfo[]>> {
    return ok([...this.sessions.values()]);
  }

  async executeCommand(sessionId: string, command: string): Promise<BackendResult<CommandExecution>> {
    if (!this.sessions.has(sessionId)) return fail('SESSION_NOT_FOUND', `no session "${sessionId}"`);
    return ok({
      id: `c${++this.next}`,
      sessionId,
      paneId: '0',
      command,
      status: 'completed',
      exitCode: 0,
      output: `${command}\n`,
      truncatedBytes: 0,
      startedAt: Date.now(),
      durationMs: 0,
      backendId: this.id,
    });
  }

  async executeBatch(sessionId: string, commands: string[]): Promise<BackendResult<CommandExecution[]>> {
    const runs: CommandExecution[] = [];
    for (const command of commands) {
      const run = await this.executeCommand(sessionId, command);
      if (!run.ok) return run;
      runs.push(run.value);
    }
    return ok(runs);
  }

  async sendInput(sessionId: string): Promise<BackendResult<void>> {
    return this.sessions.has(sessionId) ? ok() : fail('SESSION_NOT_FOUND', `no session "${sessionId}"`);
  }

  async interrupt(sessionId: string): Promise<BackendResult<void>> {
    return this.sessions.has(sessionId) ? ok() : fail('SESSION_NOT_FOUND', `no session "${sessionId}"`);
  }

  async capture(sessionId: string): Promise<BackendResult<string>> {
    return this.sessions.has(sessionId) ? ok('') : fail('SESSION_NOT_FOUND', `no session "${sessionId}"`);
  }

  async resize(): Promise<BackendResult<void>> {
    return fail('UNSUPPORTED', 'the memory backend has no terminal size');
  }

  async getHealth(): Promise<BackendHealth> {
    return { status: 'healthy', checkedAt: Date.now() };
  }

  getMetrics(): BackendMetrics {
    return this.metrics.snapshot(this.id, this.type, this.sessions.size);
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
    this.sessions.clear();
  }
}

/**
 * A valid plugin around MemoryBackend; `overrides` bend one part of it per test. `created` collects every
 * backend the plugin made, so a test can inspect what the factory did with it.
 */
export function memoryPlugin(
  overrides: Partial<BackendPlugin<MemoryConfig>> & { hooks?: MemoryBackendHooks } = {},
): BackendPlugin<MemoryConfig> & { created: MemoryBackend[] } {
  const { hooks, ...rest } = overrides;
  const created: MemoryBackend[] = [];
  return {
    type: 'memory',
    version: '1.0.0',
    description: 'in-memory test backend',
    contractVersion: 1,
    capabilities: memoryCapabilities,
    configSchema: memoryConfigSchema,
    checkPlatform: async () => ({ ok: true }),
    create: (config) => {
      const backend = new MemoryBackend(config, hooks);
      created.push(backend);
      return backend;
    },
    ...rest,
    created,
  };
}

import { type ITerminalBackend } from '@vth/core';
import { type AttachTokens } from '../auth/attach-tokens';
import { type Identity } from '../auth/identity';
import { type ManagerView } from '../manager-view';
import { type ServerConfig } from '../server-config';
import { type SessionRegistry } from '../stream/session-registry';
import { type AdminAudit } from './admin-audit';
import { type RequestLedger } from './request-ledger';

/** What operations work with: one per server. */
export interface OperationContext {
  config: ServerConfig;
  /** Calls go through it: the backend behind the security guard (rate limits, policy, audit). */
  backend: ITerminalBackend;
  /** The backend as given (events, flow control, the manager's admin API). */
  raw: ITerminalBackend;
  manager: ManagerView | undefined;
  registry: SessionRegistry;
  ledger: RequestLedger;
  attachTokens: AttachTokens;
  audit: AdminAudit;
  /** The figures the `metrics` topic sends, now. */
  metricsSnapshot(): Promise<unknown>;
  /** Experiments seen since the server started (running or stopped), for `admin.experiments.list`. */
  experiments: Set<string>;
}

/** Who asks, and where streamed output and progress go. */
export interface CallContext {
  identity: Identity;
  /** `api` over HTTP, `ws` over the socket: the default `source` of commands. */
  transport: 'http' | 'ws';
  onOutput?: (chunk: string) => void;
  onProgress?: (event: string, data: unknown) => void;
}

import { type ITerminalBackend } from '@vth/core';
import { type BackendManager } from '@vth/manager';

/** What the admin API uses of a `BackendManager` (checked by shape: never `instanceof` across packages). */
export type ManagerView = Omit<ITerminalBackend, 'getMetrics' | 'on' | 'off'> &
  Pick<
    BackendManager,
    | 'backends'
    | 'drain'
    | 'undrain'
    | 'hotSwap'
    | 'startExperiment'
    | 'updateExperiment'
    | 'stopExperiment'
    | 'experimentReport'
    | 'runningExperiments'
    | 'backendOf'
    | 'instanceOf'
    | 'getMetrics'
    | 'on'
    | 'off'
  >;

const MANAGER_METHODS = [
  'backends',
  'drain',
  'undrain',
  'hotSwap',
  'startExperiment',
  'updateExperiment',
  'stopExperiment',
  'experimentReport',
  'runningExperiments',
  'backendOf',
  'instanceOf',
] as const;

/** True for a backend with a manager's pool API (a `BackendManager`, from whichever copy of the package). */
export function asManager(backend: ITerminalBackend): ManagerView | undefined {
  const b = backend as unknown as Record<string, unknown>;
  return MANAGER_METHODS.every((m) => typeof b[m] === 'function') ? (backend as ManagerView) : undefined;
}

/** Pauses and resumes one session's output; `pause` answers whether it could. */
export interface SessionFlowControl {
  pause(): Promise<boolean>;
  resume(): Promise<void>;
}

/**
 * Flow control of one session: the backend's own `pauseOutput`. A `BackendManager` forwards it to the pool
 * backend holding the session, answering `UNSUPPORTED` when that one cannot pause; so the method being
 * there is what counts, not `capabilities.flowControl` (which a manager sets only when every pool backend
 * has it). When the backend cannot pause, `pause` answers `false` and the server treats a slow writer as a
 * slow viewer.
 */
export function sessionFlowControl(backend: ITerminalBackend, sessionId: string): SessionFlowControl {
  let paused = false;
  return {
    async pause() {
      if (!backend.pauseOutput || !backend.resumeOutput) return false;
      paused = (await backend.pauseOutput(sessionId)).ok;
      return paused;
    },
    async resume() {
      if (!paused) return;
      paused = false;
      await backend.resumeOutput!(sessionId);
    },
  };
}

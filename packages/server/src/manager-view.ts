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
 * Flow control of one session: the backend's own `pauseOutput`, or — behind a manager that does not
 * forward it — that of the pool backend the session lives on at the time of the call (it may move). When
 * neither can pause, `pause` answers `false` and the server treats a slow writer as a slow viewer.
 */
export function sessionFlowControl(backend: ITerminalBackend, sessionId: string): SessionFlowControl {
  const target = (): ITerminalBackend | undefined => {
    if (canPause(backend)) return backend;
    const manager = asManager(backend);
    const memberId = manager?.backendOf(sessionId);
    const member = memberId === undefined ? undefined : manager!.instanceOf(memberId);
    return member && canPause(member) ? member : undefined;
  };
  let pausedOn: ITerminalBackend | undefined;
  return {
    async pause() {
      const b = target();
      if (!b) return false;
      const r = await b.pauseOutput!(sessionId);
      if (r.ok) pausedOn = b;
      return r.ok;
    },
    async resume() {
      const b = pausedOn;
      pausedOn = undefined;
      if (b) await b.resumeOutput!(sessionId);
    },
  };
}

function canPause(b: ITerminalBackend): boolean {
  return b.capabilities.flowControl === true && !!b.pauseOutput && !!b.resumeOutput;
}

import { type BackendCapabilities, type BackendResult, type ITerminalBackend } from '@vth/core';

export type BackendCall = readonly [name: string, call: () => Promise<BackendResult<unknown>>];

/**
 * Every session-level method with harmless, valid arguments, for checks that apply to all of them
 * (not initialized, shut down, unknown session). Methods of capabilities the backend lacks are left out:
 * such a backend may answer them `UNSUPPORTED` first.
 */
export function sessionCalls(
  backend: ITerminalBackend,
  caps: BackendCapabilities,
  sessionId: string,
  paneId?: string,
): BackendCall[] {
  const calls: BackendCall[] = [
    ['executeCommand', () => backend.executeCommand(sessionId, 'true', paneId)],
    ['executeBatch', () => backend.executeBatch(sessionId, ['true'], paneId)],
  ];
  if (caps.sendInput) calls.push(['sendInput', () => backend.sendInput(sessionId, 'x', paneId)]);
  if (caps.interrupt) calls.push(['interrupt', () => backend.interrupt(sessionId, paneId)]);
  if (caps.capture) calls.push(['capture', () => backend.capture(sessionId, paneId)]);
  if (caps.resize) calls.push(['resize', () => backend.resize(sessionId, 80, 24, paneId)]);
  return calls;
}

import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '@vth/shell-integration';
import { type BackendResult } from '@vth/core';
import { type EngineClient } from './engine-client';

/** The part of `GET /containers/{id}/json` vth reads: how a container ended, and where its shell runs. */
export interface ContainerState {
  Status?: string;
  Running?: boolean;
  OOMKilled?: boolean;
  ExitCode?: number;
  Error?: string;
  Pid?: number;
}

/** How a container that vth did not end went away, in words for the session's last command. */
export interface ContainerExit {
  reason: string;
  exitCode: number | null;
  /** Killed (OOM, a signal, the engine gone) rather than its shell exiting. */
  killed: boolean;
}

/**
 * Why a container ended, from the engine's answer to an inspect of it (a failed inspect: the engine went
 * away). An exit code of 128 or more is a signal's.
 *
 * @example `const exit = containerExit(await engine.json('GET', \`/containers/${id}/json\`));`
 */
export function containerExit(inspected: BackendResult<{ State?: ContainerState }>): ContainerExit {
  if (!inspected.ok) {
    return {
      reason: `the container's engine went away (${inspected.error.message})`,
      exitCode: null,
      killed: true,
    };
  }
  const state = inspected.value.State;
  if (state?.OOMKilled) {
    return {
      reason: 'the container was killed for going over its memory limit (OOM)',
      exitCode: null,
      killed: true,
    };
  }
  const exitCode = state?.ExitCode ?? null;
  const killed = exitCode === null || exitCode >= 128;
  return {
    reason: killed
      ? `the container was killed${exitCode !== null ? ` (exit ${exitCode})` : ''}${state?.Error ? `: ${state.Error}` : ''}`
      : `the container's shell exited with code ${exitCode}`,
    exitCode,
    killed,
  };
}

/** Whether this /proc's process `pid` is in the container's cgroup, whose path names its full id. */
function inContainerCgroup(pid: number, fullId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'latin1').includes(fullId);
  } catch {
    return false;
  }
}

/**
 * The host pid of the container's shell, for an engine on this host: the child of the container's init
 * (tini), as this host's /proc sees it. `null` when it cannot be seen: also when vth runs in a PID
 * namespace of its own (a container given the host's Docker socket), where the engine's pid of the init
 * is not a pid here, or is another process's; the process at that pid must be in the container's cgroup.
 */
export async function shellHostPid(engine: EngineClient, containerId: string): Promise<number | null> {
  const inspected = await engine.json<{ Id?: string; State?: ContainerState }>(
    'GET',
    `/containers/${containerId}/json`,
  );
  if (!inspected.ok) return null;
  const initPid = inspected.value.State?.Pid;
  const fullId = inspected.value.Id ?? '';
  if (!initPid || fullId.length < 12 || !inContainerCgroup(initPid, fullId)) return null;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && readProcStat(pid)?.ppid === initPid) return pid;
  }
  return null;
}

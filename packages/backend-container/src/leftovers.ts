import { readFileSync } from 'node:fs';
import { LABELS } from './container-spec';
import { type EngineClient } from './engine-client';

/** This process, as `<pid>:<start time>`: a pid alone could be reused by another process after a crash. */
export function ownerTag(pid = process.pid): string {
  return `${pid}:${startTime(pid) ?? '?'}`;
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Is the process a tag names still running (the same process, not a later one with its pid)? */
export function ownerAlive(tag: string): boolean {
  const [pid, start] = tag.split(':');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return false;
  const now = startTime(n);
  return now !== null && (start === '?' || now === start);
}

/**
 * Removes containers vth left behind on this host: those of this instance (a restart after a crash) and
 * those whose owning process is gone. Containers of live processes, and of other hosts sharing a remote
 * engine, are left alone. Returns what it removed.
 */
export async function removeLeftovers(
  engine: EngineClient,
  self: { instance: string; host: string },
): Promise<string[]> {
  const filters = encodeURIComponent(
    JSON.stringify({ label: [`${LABELS.managed}=1`, `${LABELS.host}=${self.host}`] }),
  );
  const listed = await engine.json<Array<{ Id: string; Labels?: Record<string, string> }>>(
    'GET',
    `/containers/json?all=1&filters=${filters}`,
  );
  if (!listed.ok) return [];
  const removed: string[] = [];
  for (const container of listed.value) {
    const labels = container.Labels ?? {};
    const mine = labels[LABELS.instance] === self.instance;
    const orphaned = !ownerAlive(labels[LABELS.owner] ?? '');
    if (!mine && !orphaned) continue;
    const r = await engine.json('DELETE', `/containers/${container.Id}?force=1&v=1`);
    if (r.ok) removed.push(container.Id);
  }
  return removed;
}

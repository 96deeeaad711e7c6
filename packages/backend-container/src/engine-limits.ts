import { fail, ok, type BackendResult } from '@vth/core';
import { type EngineClient } from './engine-client';

/**
 * Refuses limits beyond what the engine's host has: memory above its RAM would never bite before the host
 * itself ran out, and the engine refuses more CPUs than it has only when a session starts.
 */
export async function checkEngineLimits(
  engine: EngineClient,
  limits: { memoryBytes: number; cpus: number },
  backendId: string,
): Promise<BackendResult<void>> {
  const info = await engine.json<{ MemTotal?: number; NCPU?: number }>('GET', '/info');
  if (!info.ok) return info;
  const { MemTotal, NCPU } = info.value;
  const problems: string[] = [];
  if (typeof MemTotal === 'number' && MemTotal > 0 && limits.memoryBytes > MemTotal) {
    problems.push(
      `config.memoryBytes: ${limits.memoryBytes} is more than the engine's host has (${MemTotal} bytes)`,
    );
  }
  if (typeof NCPU === 'number' && NCPU > 0 && limits.cpus > NCPU) {
    problems.push(`config.cpus: ${limits.cpus} is more than the engine's host has (${NCPU})`);
  }
  if (problems.length === 0) return ok();
  return fail('INVALID_CONFIG', `invalid config: ${problems.join('; ')}`, {
    backendId,
    dispatched: false,
    details: { issues: problems },
  });
}

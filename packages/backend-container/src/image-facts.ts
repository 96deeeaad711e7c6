import { fail, ok, type BackendResult } from '@vth/core';
import { type EngineClient } from './engine-client';

/** What a session needs to know of its image: the id it runs, and the VOLUME paths it declares. */
export interface ImageFacts {
  id: string;
  volumes: string[];
}

/**
 * Inspects the image, once per session: the session then runs exactly the image inspected (its id, not a
 * tag that may have moved meanwhile), and its VOLUME paths get a bounded tmpfs instead of an unbounded
 * volume on the engine's disk. An image the engine does not have is `UNAVAILABLE`, naming it.
 */
export async function inspectImage(engine: EngineClient, image: string): Promise<BackendResult<ImageFacts>> {
  const inspected = await engine.json<{ Id?: string; Config?: { Volumes?: Record<string, unknown> | null } }>(
    'GET',
    `/images/${encodeURIComponent(image)}/json`,
  );
  if (!inspected.ok) {
    if (inspected.error.code !== 'SESSION_NOT_FOUND') return inspected;
    return fail(
      'UNAVAILABLE',
      `image "${image}" is not on the engine (${inspected.error.message}); pull or build it first`,
      { dispatched: false, ...(inspected.error.backendId ? { backendId: inspected.error.backendId } : {}) },
    );
  }
  const { Id, Config } = inspected.value;
  return ok({ id: Id ?? image, volumes: Object.keys(Config?.Volumes ?? {}) });
}

import { fail, ok, type BackendResult } from '@vth/core';
import { type EngineClient } from './engine-client';

/** One line of the engine's pull progress stream, as documented for `POST /images/create`. */
export interface PullProgressEvent {
  /** `Pulling fs layer`, `Downloading`, `Extracting`, `Pull complete`, `Status: Downloaded newer image ...`. */
  status?: string;
  /** The layer, when the line is about one. */
  id?: string;
  /** How far the layer's download or extraction is, in bytes, when the line reports progress. */
  progressDetail?: { current?: number; total?: number };
  /** Set when the pull failed part-way (the HTTP status was already 200). */
  error?: string;
  /** The structured form of `error`; `pullImage` reports its `message` when there is one. */
  errorDetail?: { message?: string };
}

/** `name[:tag]` or `name@digest`; a name without either means `:latest` (the engine would pull every tag). */
export function imageQuery(ref: string): string {
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  const pinned = lastPart.includes(':') || ref.includes('@');
  const params = new URLSearchParams({ fromImage: ref, ...(pinned ? {} : { tag: 'latest' }) });
  return `/images/create?${params.toString()}`;
}

/**
 * Pulls an image through the Docker Engine, handing each progress line of the engine to `onProgress` as
 * it arrives. A registry that cannot be reached, an unknown image or a pull that fails part-way is
 * `UNAVAILABLE` (or `INVALID_INPUT` for a malformed reference) with the engine's reason.
 *
 * @example
 * ```ts
 * const pulled = await pullImage(connection.engine, 'debian:12', (e) => render(e));
 * if (!pulled.ok) console.error(pulled.error.message);
 * ```
 */
export async function pullImage(
  engine: EngineClient,
  ref: string,
  onProgress: (event: PullProgressEvent) => void,
): Promise<BackendResult<void>> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/.test(ref)) {
    return fail('INVALID_INPUT', `not an image reference: ${JSON.stringify(ref)}`, { dispatched: false });
  }
  let failure: string | undefined;
  const streamed = await engine.jsonLines('POST', imageQuery(ref), (line) => {
    if (typeof line !== 'object' || line === null) return;
    const event = line as PullProgressEvent;
    if (typeof event.error === 'string') failure ??= event.errorDetail?.message ?? event.error;
    else onProgress(event);
  });
  if (!streamed.ok) {
    const { code, message } = streamed.error;
    return fail(code === 'SESSION_NOT_FOUND' ? 'UNAVAILABLE' : code, `cannot pull ${ref}: ${message}`, {
      dispatched: false,
    });
  }
  if (failure !== undefined)
    return fail('UNAVAILABLE', `cannot pull ${ref}: ${failure}`, { dispatched: true });
  return ok(undefined);
}

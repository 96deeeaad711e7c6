import { fail, ok, type BackendResult } from '@vth/core';
import { EngineClient } from './engine-client';
import { locateEngine, type EngineChoice, type EngineLocation } from './engine-discovery';
import { parseDockerHost, type EngineEndpoint } from './engine-endpoint';

/** A client that reached the engine and settled the API version it speaks. */
export interface EngineConnection {
  /** The client, its API version settled; `close()` it when done. */
  engine: EngineClient;
  /** The address the client talks to. */
  endpoint: EngineEndpoint;
  /** Where the engine was found and how (`source`), for health details and messages. */
  location: EngineLocation;
  /** The Engine API version every call uses: the lower of the engine's and {@link ENGINE_API}.max. */
  apiVersion: string;
}

/**
 * Finds the engine ({@link locateEngine}), opens a client to it and negotiates the API version: one
 * round trip. On failure nothing stays open.
 *
 * @example
 * ```ts
 * const c = await connectEngine({}, { timeoutMs: 5000, backendId: 'check' });
 * if (c.ok) console.log(c.value.location.source, c.value.apiVersion);
 * ```
 */
export async function connectEngine(
  choice: EngineChoice,
  options: { timeoutMs: number; backendId: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackendResult<EngineConnection>> {
  const { backendId } = options;
  const located = locateEngine(choice, env);
  if (!located.ok) return fail(located.error.withBackendId(backendId));
  const location = located.value;
  let endpoint: EngineEndpoint | null;
  try {
    endpoint = parseDockerHost(location.host, location.tls);
  } catch (e) {
    return fail('INVALID_CONFIG', `cannot read the TLS files for ${location.host}: ${(e as Error).message}`, {
      backendId,
    });
  }
  if (!endpoint) {
    return fail(
      'INVALID_CONFIG',
      `invalid ${location.source}: "${location.host}" is not an engine address (unix://, tcp://, ssh://)`,
      { backendId },
    );
  }
  const engine = new EngineClient({ endpoint, timeoutMs: options.timeoutMs, backendId });
  const version = await engine.negotiate();
  if (!version.ok) {
    engine.close();
    const { code, message, details, cause } = version.error;
    return fail(code, `${message} (engine from ${location.source})`, {
      backendId,
      dispatched: false,
      ...(details ? { details } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  }
  return ok({ engine, endpoint, location, apiVersion: version.value });
}

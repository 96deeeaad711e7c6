import { fail, ok, sessionIdSchema, type BackendResult, type ITerminalBackend } from '@vth/core';
import { thrownMessage } from '@vth/core/kit';
import { applySecurityLayer, securityLayerSchema, type SecurityLayer } from '@vth/security';
import { z } from 'zod';

/** One backend of the pool: which plugin, its own config, and how it is weighed. */
export const backendSpecSchema = z.strictObject({
  /** A plugin type registered in the factory (`tmux`, `node-pty`, `container`, ...). */
  type: z.string({ error: 'must be a plugin type' }).min(1, 'must not be empty'),
  /** Names the backend in events, metrics and `removeBackend` (default: the type, then `type-2`, ...). */
  id: sessionIdSchema.optional(),
  /** Handed to the plugin, which validates it with its own `configSchema`. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Share of new sessions for weighted strategies (> 0). */
  weight: z.number().positive('must be greater than 0').max(1_000_000).default(1),
  /**
   * The security layer in front of this backend (see `@vth/security`'s `securityLayerSchema`): rate limits,
   * audit, command rules (`commands`) and the `policy`, `confirm`, `auditSink` and `redact` hooks.
   */
  security: securityLayerSchema.optional(),
});

/** A backend spec after parsing (`config` and `weight` filled in). */
export type BackendSpec = z.output<typeof backendSpecSchema>;
/** A backend spec as written: `addBackend`, `hotSwap` and the config's `backends` take it. */
export type BackendSpecInput = z.input<typeof backendSpecSchema>;

/**
 * A backend the factory created for a spec, behind the spec's security layer (itself when the spec has
 * none, or the layer turns nothing on). Never throws: a layer that cannot be built shuts the backend down.
 */
export async function secureBackend(
  created: BackendResult<ITerminalBackend>,
  security: SecurityLayer | undefined,
): Promise<BackendResult<ITerminalBackend>> {
  if (!created.ok || security === undefined) return created;
  try {
    return ok(applySecurityLayer(created.value, security));
  } catch (e) {
    // What the backend started must not outlive the refusal; its own shutdown failing changes nothing here.
    await Promise.resolve()
      .then(() => created.value.shutdown())
      .catch(() => undefined);
    return fail('INTERNAL', `the security layer could not be built: ${thrownMessage(e)}`, {
      dispatched: false,
    });
  }
}

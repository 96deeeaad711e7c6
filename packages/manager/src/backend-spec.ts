import { sessionIdSchema } from '@vth/core';
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
});

export type BackendSpec = z.output<typeof backendSpecSchema>;
export type BackendSpecInput = z.input<typeof backendSpecSchema>;

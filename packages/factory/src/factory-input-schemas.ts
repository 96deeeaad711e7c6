import { LIMITS } from '@vth/core';
import { CAPABILITY_FLAGS } from '@vth/core/kit';
import { z } from 'zod';
import { DEPENDENCY_FIELDS } from './discover';

/** What the factory's public methods accept, checked at the boundary (`parseInput`) before anything runs. */

const functionShape = z.custom<(...args: unknown[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
);

const timeoutSchema = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be an integer')
  .positive('must be positive')
  .max(LIMITS.timeoutMs, `must be at most ${LIMITS.timeoutMs}`);

/** `new BackendFactory(options)`. */
export const factoryOptionsSchema = z
  .object({
    plugins: z.array(z.unknown(), { error: 'must be an array' }).optional(),
    platformCheckTimeoutMs: timeoutSchema.optional(),
  })
  .optional();

/** The options of `create` and `createWithFallback`. */
export const createOptionsSchema = z
  .object({
    requiredCapabilities: z.array(z.enum(CAPABILITY_FLAGS)).optional(),
    id: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  })
  .optional();

/** The types `createWithFallback` tries, in order. */
export const typesSchema = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of backend types' })
  .min(1, 'must name at least one backend type');

/** The configs `createWithFallback` passes, keyed by type. */
export const configsSchema = z
  .record(z.string(), z.unknown(), { error: 'must be an object keyed by type' })
  .optional();

/** `discover(options)`. */
export const discoverOptionsSchema = z.object(
  {
    from: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    register: z.boolean({ error: 'must be a boolean' }).optional(),
    dependencyFields: z.array(z.enum(DEPENDENCY_FIELDS)).optional(),
    importModule: functionShape.optional(),
    loadTimeoutMs: timeoutSchema.optional(),
  },
  { error: 'must be an object' },
);

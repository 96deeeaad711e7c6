import { z } from 'zod';
import { backendSpecSchema } from './backend-spec';
import { flagDuplicates } from './duplicate-names';

/** Lower-case words joined by hyphens: experiment and variant names read in configuration and reports. */
const nameSchema = z
  .string({ error: 'must be a name' })
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'must use lower-case letters, digits and "-" (starting with a letter or digit)',
  )
  .max(48, 'must be at most 48 characters');

/** One arm of an experiment: its own backends, and its share of the experiment's users. */
export const variantSpecSchema = z.strictObject({
  /** Lower-case letters, digits and `-`; hashed with the user, so renaming a variant reshuffles its users. */
  name: nameSchema,
  /** Relative share of the experiment's users (0 takes none: a variant being ramped up from nothing). */
  weight: z.number().min(0, 'must be 0 or more').max(1_000_000).default(1),
  /** The backends its sessions run on (created through the factory, like the main pool's). */
  backends: z.array(backendSpecSchema).min(1, 'must name at least one backend').max(64),
});

/**
 * An A/B experiment: users (`ExecutionContext.userId`, else the session id) in its share of traffic are
 * assigned to one variant by a stable hash of the experiment's name and the user, so every manager, on
 * every machine, agrees without shared state.
 *
 * @example
 * ```ts
 * {
 *   name: 'tmux-vs-pty',
 *   traffic: 0.2,
 *   variants: [
 *     { name: 'control', weight: 9, backends: [{ type: 'tmux' }] },
 *     { name: 'pty', weight: 1, backends: [{ type: 'node-pty' }] },
 *   ],
 * }
 * ```
 */
export const experimentSpecSchema = z
  .strictObject({
    /** Lower-case letters, digits and `-`; unique among running experiments; part of every user's hash. */
    name: nameSchema,
    /** Share of users (0..1) that take part; the others use the main pool. Raising it only adds users. */
    traffic: z.number().min(0).max(1).default(1),
    /** The variant the others are compared with (default: the first). */
    control: nameSchema.optional(),
    /** Only sessions whose `ExecutionContext.source` is one of these take part (default: all). */
    sources: z.array(z.string().min(1).max(64)).min(1).optional(),
    /** Two to sixteen arms, names unique, at least one with a weight above 0. */
    variants: z.array(variantSpecSchema).min(2, 'must have at least two variants').max(16),
  })
  .superRefine((spec, ctx) => {
    const names = flagDuplicates(
      ctx,
      spec.variants,
      ['variants', 'name'],
      (v) => v.name,
      (name) => `duplicate variant "${name}"`,
    );
    if (spec.control !== undefined && !names.has(spec.control))
      ctx.addIssue({ code: 'custom', path: ['control'], message: `no variant named "${spec.control}"` });
    if (spec.variants.every((v) => v.weight === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['variants'],
        message: 'at least one variant needs a weight above 0',
      });
  });

/** A variant after parsing (`weight` filled in). */
export type VariantSpec = z.output<typeof variantSpecSchema>;
/** An experiment after parsing, every default filled in. */
export type ExperimentSpec = z.output<typeof experimentSpecSchema>;
/** An experiment as `startExperiment` and `experiments` in the config take it. */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;

/** New weights for some variants of a running experiment (the others keep theirs). */
export const weightsSchema = z
  .record(nameSchema, z.number().min(0, 'must be 0 or more').max(1_000_000))
  .refine((w) => Object.keys(w).length > 0, 'must name at least one variant');

export { nameSchema as experimentNameSchema };

import { type BackendCapabilities, type BackendPlugin } from '@vth/core';
import { CAPABILITY_FLAGS, ISOLATION_LEVELS, OPTIONAL_CAPABILITY_FLAGS } from '@vth/core/kit';

/** What a pool of unknown backends can promise: nothing. */
export const NO_CAPABILITIES: BackendCapabilities = {
  ...(Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, false])) as Record<
    (typeof CAPABILITY_FLAGS)[number],
    boolean
  >),
  isolation: 'none',
};

/**
 * What every session can count on whichever backend of these types it lands on: the flags all their
 * plugins share, and the weakest isolation among them. Nothing when a type has no plugin (or there is none).
 *
 * @example
 * ```ts
 * const caps = commonCapabilities(['tmux', 'node-pty'], (type) => factory.get(type));
 * ```
 */
export function commonCapabilities(
  types: readonly string[],
  pluginOf: (type: string) => Pick<BackendPlugin, 'capabilities'> | undefined,
): BackendCapabilities {
  const plugins = types.map(pluginOf).filter((p) => p !== undefined);
  if (plugins.length === 0 || plugins.length < types.length) return NO_CAPABILITIES;
  const caps = { ...plugins[0]!.capabilities };
  for (const plugin of plugins.slice(1)) {
    for (const flag of CAPABILITY_FLAGS) caps[flag] = caps[flag] && plugin.capabilities[flag];
    if (ISOLATION_LEVELS.indexOf(plugin.capabilities.isolation) < ISOLATION_LEVELS.indexOf(caps.isolation))
      caps.isolation = plugin.capabilities.isolation;
  }
  // An optional flag (absent reads as false): a pool has it only when every member has it.
  for (const flag of OPTIONAL_CAPABILITY_FLAGS)
    if (plugins.some((p) => p.capabilities[flag] !== true)) delete caps[flag];
  return caps;
}

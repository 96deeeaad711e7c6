import { fail, ok, type BackendResult } from '@vth/core';
import { formatIssues, parseInput } from '@vth/core/kit';
import { type BackendFactory } from '@vth/factory';
import { backendSpecSchema, type BackendSpec } from './backend-spec';
import { type SelectionStrategy } from './backend-view';
import { managerConfigSchema, type ManagerConfig } from './manager-config';
import { type StrategyRegistry } from './strategies/strategy-registry';

/** The plugins a configuration may name. */
export type PluginTypes = Pick<BackendFactory, 'has' | 'list'>;

/**
 * A manager configuration checked at the boundary: valid (`INVALID_CONFIG` naming each bad path), its
 * strategy registered, every backend type known to the factory. Returns it with its strategy.
 */
export function checkManagerConfig(
  input: unknown,
  strategies: StrategyRegistry,
  plugins: PluginTypes,
): BackendResult<{ config: ManagerConfig; strategy: SelectionStrategy }> {
  const parsed = managerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error.issues, 'config');
    return fail('INVALID_CONFIG', `invalid manager config: ${lines.join('; ')}`, {
      dispatched: false,
      details: { issues: lines },
    });
  }
  const config = parsed.data;
  const strategy = strategies.create(config.strategy);
  if (!strategy) {
    return fail(
      'INVALID_CONFIG',
      `invalid manager config: config.strategy: unknown strategy "${config.strategy}" (registered: ${strategies.names().join(', ')})`,
      {
        dispatched: false,
        details: { issues: [`config.strategy: unknown strategy "${config.strategy}"`] },
      },
    );
  }
  const unknown = config.backends.filter((b) => !plugins.has(b.type));
  if (unknown.length > 0) {
    const known = plugins.list().map((p) => p.type);
    return fail(
      'INVALID_CONFIG',
      `invalid manager config: unknown backend type${unknown.length > 1 ? 's' : ''} ${unknown.map((b) => `"${b.type}"`).join(', ')} (registered: ${known.join(', ') || 'none'})`,
      { dispatched: false },
    );
  }
  return ok({ config, strategy });
}

/** A backend spec given at run time: valid (`INVALID_INPUT` naming `spec.…`), and of a type the factory knows. */
export function checkBackendSpec(spec: unknown, plugins: PluginTypes): BackendResult<BackendSpec> {
  const parsed = parseInput(backendSpecSchema, spec, 'spec');
  if (!parsed.ok || plugins.has(parsed.value.type)) return parsed;
  const known = plugins.list().map((p) => p.type);
  return fail(
    'INVALID_INPUT',
    `unknown backend type "${parsed.value.type}" (registered: ${known.join(', ')})`,
    {
      dispatched: false,
    },
  );
}

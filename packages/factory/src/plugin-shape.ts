import {
  LIMITS,
  PLUGIN_CONTRACT_VERSION,
  fail,
  ok,
  type BackendCapabilities,
  type BackendPlugin,
  type BackendResult,
} from '@vth/core';
import { CAPABILITY_FLAGS, ISOLATION_LEVELS, OPTIONAL_CAPABILITY_FLAGS, thrownMessage } from '@vth/core/kit';

/** Plugin types name backends in config files, ids and metrics, so they stay lowercase and portable. */
export const PLUGIN_TYPE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** `1.2.3`, `1.2.3-beta.1`, `1.2.3+build.5`: what npm accepts as a version, without the loose forms. */
export const PLUGIN_VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The oldest `contractVersion` this factory adapts; older plugins are refused. */
export const OLDEST_ADAPTED_CONTRACT_VERSION = 1;

/** Plugins written before contract versions existed were written for the first one. */
const UNDECLARED_CONTRACT_VERSION = 1;

/** Bounds on what a plugin declares: a plugin is foreign code, and its strings reach logs and UIs. */
export const PLUGIN_LIMITS = {
  typeLength: LIMITS.idLength,
  versionLength: 64,
  descriptionLength: 1024,
  /** More capability keys than this are not even looked at one by one. */
  capabilityKeys: 256,
} as const;

const KNOWN_CAPABILITY_KEYS = new Set<string>([
  ...CAPABILITY_FLAGS,
  ...OPTIONAL_CAPABILITY_FLAGS,
  'isolation',
]);

/** A plugin that passed the checks, with what was read from it (each field once). */
export interface InspectedPlugin {
  /** The object itself, not a copy: its methods may rely on `this`. */
  plugin: BackendPlugin;
  /** `plugin.type`, checked against `PLUGIN_TYPE_PATTERN`. */
  type: string;
  /** `plugin.version`, checked against `PLUGIN_VERSION_PATTERN`. */
  version: string;
  /** `plugin.description`, within `PLUGIN_LIMITS`. */
  description: string;
  /** Declared, or 1 when the plugin declares none. */
  contractVersion: number;
  /** The known keys only; a flag the plugin predates is `false`, a missing isolation `'none'`. */
  capabilities: BackendCapabilities;
  /** What was adapted or ignored: `plugin.<field>: <what>` lines. */
  warnings: string[];
}

function textProblem(value: unknown, max: number, pattern?: readonly [RegExp, string]): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  // Before the pattern: a regular expression over 50 MB takes a while, and the answer is no anyway.
  if (value.length > max) return `must be at most ${max} characters (it has ${value.length})`;
  if (pattern && !pattern[0].test(value)) return pattern[1];
  return undefined;
}

function keyName(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

function unknownKeysWarning(capabilities: object, path: string): string | undefined {
  const keys = Object.keys(capabilities);
  if (keys.length > PLUGIN_LIMITS.capabilityKeys) {
    return `${path}: ${keys.length} keys; only the ${KNOWN_CAPABILITY_KEYS.size} known ones were read, the rest ignored`;
  }
  const unknown = keys.filter((key) => !KNOWN_CAPABILITY_KEYS.has(key));
  if (unknown.length === 0) return undefined;
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
  return `${path}: unknown keys ignored: ${unknown.slice(0, 5).map(keyName).join(', ')}${more}`;
}

/**
 * The known capabilities, each key read once. A flag the plugin predates (absent) reads as `false` and an
 * absent isolation as `'none'`, with a warning: adding a capability must not break every older plugin.
 */
function readCapabilities(
  value: unknown,
  path: string,
  issues: string[],
  warnings: string[],
): BackendCapabilities {
  const capabilities: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push(`${path}: must be an object`);
    return capabilities as unknown as BackendCapabilities;
  }
  const declared = value as Record<string, unknown>;
  const missing: string[] = [];
  for (const flag of CAPABILITY_FLAGS) {
    const flagValue = declared[flag];
    if (flagValue === undefined) missing.push(flag);
    else if (typeof flagValue !== 'boolean') issues.push(`${path}.${flag}: must be a boolean`);
    capabilities[flag] = flagValue === true;
  }
  if (missing.length > 0) {
    const them = missing.length === 1 ? 'it' : 'them';
    warnings.push(`${path}: no ${missing.join(', ')} (the plugin predates ${them}); read as false`);
  }
  for (const flag of OPTIONAL_CAPABILITY_FLAGS) {
    const flagValue = declared[flag];
    if (flagValue === undefined) continue;
    if (typeof flagValue !== 'boolean') issues.push(`${path}.${flag}: must be a boolean`);
    else capabilities[flag] = flagValue;
  }
  const isolation = declared['isolation'];
  if (isolation === undefined) {
    warnings.push(`${path}: no isolation (the plugin predates it); read as "none"`);
    capabilities['isolation'] = 'none';
  } else if ((ISOLATION_LEVELS as readonly unknown[]).includes(isolation)) {
    capabilities['isolation'] = isolation;
  } else {
    issues.push(`${path}.isolation: must be one of ${ISOLATION_LEVELS.map((l) => `"${l}"`).join(', ')}`);
  }
  const unknown = unknownKeysWarning(declared, path);
  if (unknown !== undefined) warnings.push(unknown);
  return capabilities as unknown as BackendCapabilities;
}

function readContractVersion(value: unknown, path: string, issues: string[], warnings: string[]): number {
  if (value === undefined) {
    warnings.push(
      `${path}: not declared; assumed ${UNDECLARED_CONTRACT_VERSION} (declare contractVersion: ${PLUGIN_CONTRACT_VERSION})`,
    );
    return UNDECLARED_CONTRACT_VERSION;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) issues.push(`${path}: must be an integer`);
  else if (value > PLUGIN_CONTRACT_VERSION) {
    issues.push(
      `${path}: ${value} is newer than this @vth/factory supports (at most ${PLUGIN_CONTRACT_VERSION}); ` +
        'upgrade @vth/factory and @vth/core',
    );
  } else if (value < OLDEST_ADAPTED_CONTRACT_VERSION) {
    issues.push(
      `${path}: ${value} is older than this @vth/factory can adapt (at least ${OLDEST_ADAPTED_CONTRACT_VERSION}); ` +
        'upgrade the plugin',
    );
  }
  return typeof value === 'number' ? value : UNDECLARED_CONTRACT_VERSION;
}

function isSchemaLike(value: unknown): boolean {
  // Only the method the factory calls is required, so a zod 3 schema or a hand-written one works too.
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

function inspect(value: unknown, root: string): BackendResult<InspectedPlugin> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(root, [`${root}: must be an object`]);
  }
  const p = value as Record<string, unknown>;
  // Each field once: a getter must not answer the check one thing and the factory another.
  const type = p['type'];
  const version = p['version'];
  const description = p['description'];
  const contractVersion = p['contractVersion'];
  const capabilities = p['capabilities'];
  const configSchema = p['configSchema'];
  const checkPlatform = p['checkPlatform'];
  const create = p['create'];
  const issues: string[] = [];
  const warnings: string[] = [];
  const text = (field: string, problem: string | undefined) => {
    if (problem !== undefined) issues.push(`${root}.${field}: ${problem}`);
  };
  text(
    'type',
    textProblem(type, PLUGIN_LIMITS.typeLength, [
      PLUGIN_TYPE_PATTERN,
      'must match /^[a-z0-9][a-z0-9._-]*$/ (lowercase letters, digits, ".", "_", "-")',
    ]),
  );
  text(
    'version',
    textProblem(version, PLUGIN_LIMITS.versionLength, [
      PLUGIN_VERSION_PATTERN,
      'must be a semantic version like "1.2.3"',
    ]),
  );
  text('description', textProblem(description, PLUGIN_LIMITS.descriptionLength));
  const contract = readContractVersion(contractVersion, `${root}.contractVersion`, issues, warnings);
  const caps = readCapabilities(capabilities, `${root}.capabilities`, issues, warnings);
  if (!isSchemaLike(configSchema))
    issues.push(`${root}.configSchema: must be a schema with a safeParse function`);
  if (typeof checkPlatform !== 'function') issues.push(`${root}.checkPlatform: must be a function`);
  if (typeof create !== 'function') issues.push(`${root}.create: must be a function`);
  if (issues.length > 0) return refuse(root, issues);
  return ok({
    plugin: value as unknown as BackendPlugin,
    type: type as string,
    version: version as string,
    description: description as string,
    contractVersion: contract,
    capabilities: caps,
    warnings,
  });
}

function refuse(root: string, issues: string[]): BackendResult<never> {
  return fail('INVALID_CONFIG', `invalid ${root}: ${issues.join('; ')}`, {
    dispatched: false,
    details: { issues },
  });
}

/**
 * Checks that `value` is a `BackendPlugin` this factory can use and reads it, each field once: bounded
 * strings (`type` a short id, `version` semantic, `description` at most 1024 characters), functions that
 * are functions, a `configSchema` with `safeParse`, a `contractVersion` this factory supports, and the
 * known capability keys only. What it adapts (a flag the plugin predates, an undeclared contract version,
 * unknown capability keys) comes back as `warnings`; what it cannot use is `INVALID_CONFIG` naming every
 * problem. Never throws: a getter or Proxy trap that throws is reported too.
 *
 * @example
 * ```ts
 * const inspected = inspectPlugin(mod.plugin);
 * if (inspected.ok) for (const w of inspected.value.warnings) console.warn(w);
 * ```
 */
export function inspectPlugin(value: unknown, root = 'plugin'): BackendResult<InspectedPlugin> {
  try {
    return inspect(value, root);
  } catch (e) {
    return fail('INVALID_CONFIG', `invalid ${root}: could not be inspected: ${thrownMessage(e)}`, {
      dispatched: false,
    });
  }
}

/**
 * Checks that `value` looks like a `BackendPlugin` (see {@link inspectPlugin}), naming every problem
 * (`plugin.create: must be a function`). The plugin itself is returned, not a parsed copy: its methods may
 * rely on `this`.
 *
 * @example
 * ```ts
 * const checked = checkPluginShape(mod.plugin);
 * if (!checked.ok) console.warn(checked.error.message);
 * ```
 */
export function checkPluginShape(value: unknown, root = 'plugin'): BackendResult<BackendPlugin> {
  const inspected = inspectPlugin(value, root);
  return inspected.ok ? ok(inspected.value.plugin) : inspected;
}

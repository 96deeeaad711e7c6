import { isBackendError, type BackendCapabilityFlag, type ITerminalBackend } from '@vth/core';
import { missingCapabilities } from '@vth/core/kit';
import { pluginThrew, refuse, undispatched, type Failed } from './creation-failure';
import { isRecord } from './is-record';
import { runPlatformCheck } from './platform-check';
import { parsePluginConfig, type PluginConfig } from './plugin-config';
import { type InspectedPlugin } from './plugin-shape';

/** What `create` and `createWithFallback` require of every backend they create. */
export interface CreateOptions {
  /** Refuse (`UNSUPPORTED`) a backend that lacks any of these. */
  requiredCapabilities?: BackendCapabilityFlag[];
  /** Passed to `initialize` as the backend's id. */
  id?: string;
}

/** One try at creating a backend of one type: the backend, or why not. */
export type Attempt = { ok: true; backend: ITerminalBackend } | Failed;

function looksLikeBackend(value: unknown): value is ITerminalBackend {
  return (
    isRecord(value) &&
    typeof (value as { initialize?: unknown }).initialize === 'function' &&
    typeof (value as { shutdown?: unknown }).shutdown === 'function'
  );
}

/**
 * Creates and initializes a backend of `type` from its registered plugin, in the order `create` documents:
 * capabilities, config, platform probe, `plugin.create`, `initialize`. Plugin code is hostile input: every
 * call into it is guarded, and a backend whose initialize failed is shut down before the failure is reported.
 *
 * @example
 * ```ts
 * const attempt = await attemptCreate(registered, 'tmux', { socketName: 'vth' }, {}, 5000);
 * if (!attempt.ok) console.error(attempt.reason);
 * ```
 */
export async function attemptCreate(
  registered: InspectedPlugin,
  type: string,
  config: unknown,
  options: CreateOptions,
  platformCheckTimeoutMs: number,
): Promise<Attempt> {
  const { plugin } = registered;

  // Capabilities are a fixed property of the plugin: when they rule it out, config and probe are moot.
  const missing = missingCapabilities(registered.capabilities, options.requiredCapabilities);
  if (missing.length > 0) {
    const list = missing.join(', ');
    return refuse(
      'UNSUPPORTED',
      `backend "${type}" lacks required capabilities: ${list}`,
      `lacks required capabilities: ${list}`,
      { type, missing },
    );
  }

  let parsed: PluginConfig;
  let initConfig: Record<string, unknown> = {};
  try {
    parsed = parsePluginConfig(plugin.configSchema, config ?? {});
    // Copied here, inside the try: the parsed config is plugin output, and its getters may throw.
    if (parsed.ok) {
      initConfig = {
        ...(isRecord(parsed.data) ? parsed.data : {}),
        ...(options.id === undefined ? {} : { id: options.id }),
      };
    }
  } catch (e) {
    return pluginThrew(type, 'configSchema.safeParse()', e);
  }
  if (!parsed.ok) {
    const lines = parsed.issues.length > 0 ? parsed.issues.join('; ') : 'rejected without issues';
    return refuse(
      'INVALID_CONFIG',
      `invalid config for backend "${type}": ${lines}`,
      `invalid config: ${lines}`,
      {
        type,
        issues: parsed.issues,
      },
    );
  }
  const data = parsed.data;

  const check = await runPlatformCheck(() => plugin.checkPlatform(), platformCheckTimeoutMs);
  if (!check.ok) {
    const why = check.hint === undefined ? check.reason : `${check.reason} (hint: ${check.hint})`;
    return refuse('UNAVAILABLE', `backend "${type}" is unavailable: ${why}`, why, {
      type,
      reason: check.reason,
      ...(check.hint === undefined ? {} : { hint: check.hint }),
    });
  }

  let backend: ITerminalBackend;
  try {
    const created: unknown = plugin.create(data);
    // Inside the try: reading the methods of what plugin code returned may throw too.
    if (!looksLikeBackend(created)) {
      return refuse(
        'INTERNAL',
        `backend "${type}": create() did not return a backend (no initialize/shutdown methods)`,
        'create() did not return a backend',
        { type, stage: 'create()' },
      );
    }
    backend = created;
  } catch (e) {
    return pluginThrew(type, 'create()', e);
  }

  let failure: Failed;
  try {
    const initialized: unknown = await backend.initialize(initConfig);
    if (isRecord(initialized) && initialized['ok'] === true) return { ok: true, backend };
    const error = isRecord(initialized) ? initialized['error'] : undefined;
    failure = isBackendError(error)
      ? { ok: false, error: undispatched(error), reason: `initialize failed: ${error.message}` }
      : refuse(
          'INTERNAL',
          `backend "${type}": initialize() returned a malformed result`,
          'initialize() returned a malformed result',
          { type, stage: 'initialize()' },
        );
  } catch (e) {
    failure = pluginThrew(type, 'initialize()', e);
  }
  try {
    // Release whatever a half-initialized backend holds (a tmux server, a container) before reporting.
    await backend.shutdown();
  } catch {
    // The initialize error is the one worth reporting.
  }
  return failure;
}

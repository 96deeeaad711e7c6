/**
 * `@vth/backend-node-pty`: a vth backend that runs each session in a local shell on a pseudo-terminal
 * (node-pty). The fastest backend and the one that needs nothing but a shell; no isolation beyond the OS
 * user. Commands complete through `@vth/shell-integration` marks: exact output, exit codes and cwd.
 *
 * @example
 * ```ts
 * import { NodePtyBackend } from '@vth/backend-node-pty';
 * const backend = new NodePtyBackend();
 * const init = await backend.initialize({ shell: 'bash' });
 * if (!init.ok) throw init.error;
 * ```
 *
 * @module @vth/backend-node-pty
 */
export {
  NodePtyBackend,
  NODE_PTY_CAPABILITIES,
  NODE_PTY_PANE,
  type NodePtyBackendOptions,
} from './node-pty-backend';
export { nodePtyConfigSchema, type NodePtyConfig, type NodePtyConfigInput } from './config';
export { createNodePtyPlugin, plugin, type NodePtyPluginOptions } from './plugin';
export { type PtyModule, type PtyProcess, type PtySpawnOptions, type PtyDisposable } from './pty-module';

export {
  NodePtyBackend,
  NODE_PTY_CAPABILITIES,
  NODE_PTY_PANE,
  type NodePtyBackendOptions,
} from './node-pty-backend';
export { nodePtyConfigSchema, type NodePtyConfig, type NodePtyConfigInput } from './config';
export { createNodePtyPlugin, plugin, type NodePtyPluginOptions } from './plugin';
export { type PtyModule, type PtyProcess, type PtySpawnOptions, type PtyDisposable } from './pty-module';

export { NodePtyBackend, NODE_PTY_CAPABILITIES, NODE_PTY_PANE } from './node-pty-backend';
export { nodePtyConfigSchema, type NodePtyConfig, type NodePtyConfigInput } from './config';
export { plugin } from './plugin';

/**
 * `@vth/protocol`: the `vth.v1` WebSocket protocol between a vth server and its clients (the dashboard,
 * the remote backend): binary frames for terminal bytes, JSON control messages checked by zod, the
 * operations and their parameters, close codes and error codes. It does not import `@vth/core`, so it
 * loads in a browser.
 *
 * @example
 * ```ts
 * import { clientProtocols, decodeServerMessage, decodeFrame } from '@vth/protocol';
 * const ws = new WebSocket(url, clientProtocols(token));
 * ws.onmessage = ({ data }) => {
 *   if (typeof data === 'string') handle(decodeServerMessage(data));
 *   else handleFrame(decodeFrame(new Uint8Array(data)));
 * };
 * ```
 *
 * @module @vth/protocol
 */
export {
  PROTOCOL_V1,
  SUPPORTED_PROTOCOLS,
  TOKEN_PROTOCOL_PREFIX,
  negotiateProtocol,
  clientProtocols,
  tokenFromProtocols,
} from './version';
export {
  CLOSE_CODES,
  closeCodeName,
  isRetryableClose,
  type CloseCode,
  type CloseCodeName,
} from './close-codes';
export {
  FRAME_KIND,
  OUTPUT_HEADER_BYTES,
  INPUT_HEADER_BYTES,
  encodeOutputFrame,
  encodeInputFrame,
  decodeFrame,
  type BinaryFrame,
  type OutputFrame,
  type InputFrame,
  type FrameProblem,
  type FrameDecodeResult,
} from './frame-codec';
export {
  sessionIdSchema,
  paneIdSchema,
  requestIdSchema,
  terminalSizeSchema,
  offsetSchema,
  channelSchema,
  wireErrorSchema,
  sessionInfoSchema,
  commandExecutionSchema,
  commandHandleSchema,
  commandOutputSchema,
  commandStatusSchema,
  commandWaitResultSchema,
  healthSchema,
  capabilitiesSchema,
  createSessionOptionsSchema,
  roleSchema,
  type Role,
  type WireError,
  type WireSessionInfo,
  type WireCommandExecution,
  type WireCommandOutput,
  type WireCommandWaitResult,
  type WireHealth,
  type WireCreateSessionOptions,
} from './common-schemas';
export {
  OPERATIONS,
  OPERATION_NAMES,
  OPERATION_VALUES,
  isOperationName,
  type OperationName,
  type OperationParams,
} from './operations';
export {
  TOPICS,
  topicSchema,
  viewportSchema,
  attachFromSchema,
  attachMessageSchema,
  detachMessageSchema,
  ackMessageSchema,
  viewportMessageSchema,
  requestMessageSchema,
  subscribeMessageSchema,
  unsubscribeMessageSchema,
  pingMessageSchema,
  clientMessageSchema,
  type Topic,
  type ClientMessage,
  type ClientMessageInput,
  type ClientMessageType,
  type AttachMessage,
} from './client-messages';
export {
  helloMessageSchema,
  attachedMessageSchema,
  snapshotMessageSchema,
  sizeMessageSchema,
  detachedMessageSchema,
  resultMessageSchema,
  outputMessageSchema,
  progressMessageSchema,
  eventMessageSchema,
  metricsMessageSchema,
  subscribedMessageSchema,
  errorMessageSchema,
  pongMessageSchema,
  serverMessageSchema,
  type ServerMessage,
  type ServerMessageType,
  type HelloMessage,
  type AttachedMessage,
  type SnapshotMessage,
  type ResultMessage,
  type ErrorMessage,
  type EventMessage,
  type DetachedMessage,
} from './server-messages';
export { PROTOCOL_ERROR_CODES, type ProtocolErrorCode } from './protocol-errors';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeClientMessage,
  decodeServerMessage,
  encodeMessage,
  parseOperationParams,
  issueLines,
  type Decoded,
  type MessageProblem,
} from './control-codec';

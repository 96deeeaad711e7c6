import * as protocol from './index';

// The names a browser client, the server and the remote backend import from '@vth/protocol'. Removing
// one breaks them; adding one is a public API decision, so this list changes with it on purpose.
const PUBLIC_NAMES = [
  'CLOSE_CODES',
  'DEFAULT_MAX_MESSAGE_BYTES',
  'FRAME_KIND',
  'INPUT_HEADER_BYTES',
  'OPERATIONS',
  'OPERATION_NAMES',
  'OPERATION_VALUES',
  'OUTPUT_HEADER_BYTES',
  'PROTOCOL_ERROR_CODES',
  'PROTOCOL_V1',
  'SUPPORTED_PROTOCOLS',
  'TOKEN_PROTOCOL_PREFIX',
  'TOPICS',
  'ackMessageSchema',
  'attachFromSchema',
  'attachMessageSchema',
  'attachedMessageSchema',
  'capabilitiesSchema',
  'channelSchema',
  'clientMessageSchema',
  'clientProtocols',
  'closeCodeName',
  'commandExecutionSchema',
  'commandHandleSchema',
  'commandOutputSchema',
  'commandStatusSchema',
  'commandWaitResultSchema',
  'createSessionOptionsSchema',
  'decodeClientMessage',
  'decodeFrame',
  'decodeServerMessage',
  'detachMessageSchema',
  'detachedMessageSchema',
  'encodeInputFrame',
  'encodeMessage',
  'encodeOutputFrame',
  'errorMessageSchema',
  'eventMessageSchema',
  'healthSchema',
  'helloMessageSchema',
  'isOperationName',
  'isRetryableClose',
  'issueLines',
  'metricsMessageSchema',
  'negotiateProtocol',
  'offsetSchema',
  'outputMessageSchema',
  'paneIdSchema',
  'parseOperationParams',
  'pingMessageSchema',
  'pongMessageSchema',
  'progressMessageSchema',
  'requestIdSchema',
  'requestMessageSchema',
  'resultMessageSchema',
  'roleSchema',
  'serverMessageSchema',
  'sessionIdSchema',
  'sessionInfoSchema',
  'sizeMessageSchema',
  'snapshotMessageSchema',
  'subscribeMessageSchema',
  'subscribedMessageSchema',
  'terminalSizeSchema',
  'tokenFromProtocols',
  'topicSchema',
  'unsubscribeMessageSchema',
  'viewportMessageSchema',
  'viewportSchema',
  'wireErrorSchema',
];

describe('the @vth/protocol entry point', () => {
  it('exports exactly the public names, none of them undefined', () => {
    expect(Object.keys(protocol).sort()).toEqual(PUBLIC_NAMES);
    for (const name of PUBLIC_NAMES) expect(protocol[name as keyof typeof protocol]).toBeDefined();
  });

  it('round-trips an output frame and a control message through the exported codecs', () => {
    const frame = protocol.encodeOutputFrame(3, 2 ** 40, new TextEncoder().encode('hi'));
    const decoded = protocol.decodeFrame(frame);
    expect(decoded.ok && decoded.frame).toMatchObject({ kind: 'output', channel: 3, offset: 2 ** 40 });
    const input = protocol.decodeFrame(protocol.encodeInputFrame(1, new Uint8Array([0x03])));
    expect(input.ok && input.frame.kind).toBe('input');
    const text = protocol.encodeMessage({ type: 'ping', t: 7 });
    const message = protocol.decodeClientMessage(text);
    expect(message.ok && message.message).toEqual({ type: 'ping', t: 7 });
  });

  it('negotiates the one protocol version and reads the token a client offers beside it', () => {
    const offered = protocol.clientProtocols('secret');
    expect(protocol.negotiateProtocol(offered)).toBe(protocol.PROTOCOL_V1);
    expect(protocol.tokenFromProtocols(offered)).toBe('secret');
    expect(protocol.isOperationName(protocol.OPERATION_NAMES[0])).toBe(true);
    expect(protocol.isOperationName('no.such.op')).toBe(false);
  });
});

import fc from 'fast-check';
import { CLOSE_CODES, closeCodeName, isRetryableClose } from './close-codes';
import {
  decodeClientMessage,
  decodeServerMessage,
  encodeMessage,
  parseOperationParams,
} from './control-codec';
import { ackMessageSchema } from './client-messages';
import { OPERATION_NAMES, OPERATIONS } from './operations';
import { clientProtocols, negotiateProtocol, PROTOCOL_V1, tokenFromProtocols } from './version';

describe('control message codec', () => {
  it('never throws on arbitrary text or JSON, and names the problem', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const decoded = decodeClientMessage(text);
          if (!decoded.ok)
            expect(['BAD_MESSAGE', 'UNKNOWN_TYPE', 'TOO_LARGE']).toContain(decoded.problem.code);
          decodeServerMessage(text);
        },
      ),
    );
  });

  it('never throws on objects with a known type and arbitrary fields', () => {
    const types = ['attach', 'detach', 'ack', 'viewport', 'request', 'subscribe', 'unsubscribe', 'ping'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.dictionary(fc.string(), fc.jsonValue()), (type, fields) => {
        const decoded = decodeClientMessage(JSON.stringify({ ...fields, type }));
        if (!decoded.ok) expect(decoded.problem.code).toBe('BAD_MESSAGE');
      }),
    );
  });

  it('answers an ack exactly as its schema does (acks take a hand-written fast path)', () => {
    const number = fc.oneof(
      fc.integer({ min: -2, max: 0xffff_ffff + 2 }),
      fc.maxSafeNat(),
      fc.constantFrom(Number.MAX_SAFE_INTEGER + 1, 1.5, -0, 1e300),
      fc.double(),
    );
    const value = fc.oneof(number, fc.string({ maxLength: 3 }), fc.constant(null), fc.boolean());
    fc.assert(
      fc.property(
        fc.record({ channel: value, offset: value, extra: value, __proto__: value }, { requiredKeys: [] }),
        (fields) => {
          const text = JSON.stringify({ type: 'ack', ...fields });
          const expected = ackMessageSchema.safeParse(JSON.parse(text));
          const decoded = decodeClientMessage(text);
          expect(decoded.ok).toBe(expected.success);
          if (decoded.ok && expected.success) expect(decoded.message).toEqual(expected.data);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips valid client messages, filling defaults', () => {
    const attach = decodeClientMessage(encodeMessage({ type: 'attach', sessionId: 's1', mode: 'viewer' }));
    expect(attach).toEqual({
      ok: true,
      message: { type: 'attach', sessionId: 's1', mode: 'viewer', from: 'snapshot' },
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.maxSafeNat(), (channel, offset) => {
        expect(decodeClientMessage(encodeMessage({ type: 'ack', channel, offset }))).toEqual({
          ok: true,
          message: { type: 'ack', channel, offset },
        });
      }),
    );
  });

  it('tells unknown types, bad shapes, unknown keys and oversized messages apart', () => {
    expect(decodeClientMessage('{"type":"launch-missiles"}')).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_TYPE' },
    });
    expect(decodeClientMessage('nope')).toMatchObject({
      ok: false,
      problem: { code: 'BAD_MESSAGE', message: 'not JSON' },
    });
    expect(decodeClientMessage('[1]')).toMatchObject({ ok: false, problem: { code: 'BAD_MESSAGE' } });
    expect(decodeClientMessage(new Uint8Array(3))).toMatchObject({
      ok: false,
      problem: { code: 'BAD_MESSAGE' },
    });
    const bad = decodeClientMessage('{"type":"ack","channel":-1,"offset":0,"extra":1}');
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problem.issues).toEqual(
        expect.arrayContaining([
          'channel: Too small: expected number to be >=0',
          '(root): unknown key "extra"',
        ]),
      );
    expect(decodeClientMessage(JSON.stringify({ type: 'ping', pad: 'x'.repeat(100) }), 64)).toMatchObject({
      ok: false,
      problem: { code: 'TOO_LARGE' },
    });
    // Multi-byte characters count as bytes, not characters.
    expect(decodeClientMessage(JSON.stringify({ type: 'ping', t: 1, p: 'é'.repeat(30) }), 64).ok).toBe(false);
  });

  it('checks request params against their operation, and refuses unknown operations', () => {
    expect(parseOperationParams('command.execute', { sessionId: 's1', command: 'ls' })).toEqual({
      ok: true,
      message: { sessionId: 's1', command: 'ls' },
    });
    expect(parseOperationParams('command.execute', { sessionId: '../x', command: 1 })).toMatchObject({
      ok: false,
      problem: { code: 'BAD_MESSAGE' },
    });
    expect(parseOperationParams('rm.everything', {})).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_OPERATION' },
    });
    expect(parseOperationParams('__proto__', {})).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_OPERATION' },
    });
    for (const op of OPERATION_NAMES) expect(typeof OPERATIONS[op].summary).toBe('string');
  });

  it('validates what the server sends too', () => {
    expect(decodeServerMessage(JSON.stringify({ type: 'pong', t: 3 }))).toEqual({
      ok: true,
      message: { type: 'pong', t: 3 },
    });
    expect(
      decodeServerMessage(
        JSON.stringify({
          type: 'result',
          requestId: 'r1',
          ok: false,
          error: { code: 'X', message: 'm', dispatched: false },
        }),
      ).ok,
    ).toBe(true);
    expect(decodeServerMessage(JSON.stringify({ type: 'result', requestId: 'r1', ok: false })).ok).toBe(
      false,
    );
  });

  it("checks a server message against its own type's schema, naming that type, and knows every type", () => {
    const bad = decodeServerMessage(JSON.stringify({ type: 'output', requestId: 'r1', data: 7 }));
    expect(bad).toMatchObject({ ok: false, problem: { code: 'BAD_MESSAGE' } });
    expect(!bad.ok && bad.problem.issues).toEqual(['data: Invalid input: expected string, received number']);
    const result = { type: 'result', requestId: 'r1', ok: true, value: { any: 'thing' } };
    expect(decodeServerMessage(JSON.stringify(result))).toEqual({ ok: true, message: result });
    for (const type of ['hello', 'attached', 'snapshot', 'size', 'detached', 'result', 'output']) {
      const refused = decodeServerMessage(JSON.stringify({ type }));
      expect(!refused.ok && refused.problem.code).toBe('BAD_MESSAGE');
    }
    expect(decodeServerMessage(JSON.stringify({ type: 'pong' })).ok).toBe(true);
    expect(decodeServerMessage(JSON.stringify({ type: 'nope' }))).toMatchObject({
      ok: false,
      problem: { code: 'UNKNOWN_TYPE' },
    });
  });
});

describe('version negotiation and close codes', () => {
  it('picks the newest version both speak, or none', () => {
    expect(negotiateProtocol(['vth.v9', PROTOCOL_V1])).toBe(PROTOCOL_V1);
    expect(negotiateProtocol(['vth.v0'])).toBeUndefined();
    expect(negotiateProtocol(['vth.v2', 'vth.v1'], ['vth.v2', 'vth.v1'])).toBe('vth.v2');
  });

  it('carries a browser token as an extra subprotocol', () => {
    const offered = clientProtocols('abc.def');
    expect(offered[0]).toBe(PROTOCOL_V1);
    expect(tokenFromProtocols(offered)).toBe('abc.def');
    expect(tokenFromProtocols(clientProtocols())).toBeUndefined();
  });

  it('names its close codes and says which are worth a reconnect', () => {
    expect(closeCodeName(4001)).toBe('AUTH_FAILED');
    expect(closeCodeName(4242)).toBeUndefined();
    expect(isRetryableClose(CLOSE_CODES.AUTH_FAILED)).toBe(false);
    expect(isRetryableClose(CLOSE_CODES.GOING_AWAY)).toBe(true);
    expect(isRetryableClose(1006)).toBe(true);
    expect(isRetryableClose(CLOSE_CODES.OVERLOADED)).toBe(true);
  });
});

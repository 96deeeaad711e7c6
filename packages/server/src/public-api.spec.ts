import * as security from '@vth/security';
import * as server from './index';

// What the reference app and other hosts import from '@vth/server'. Removing a name breaks them; adding
// one is a public API decision, so this list changes with it on purpose.
const PUBLIC_NAMES = [
  'AttachTokens',
  'LOCAL_USER',
  'OutputRing',
  'ROUTES',
  'RequestLedger',
  'SOCKET_PATH',
  'STREAMED_EVENTS',
  'TokenStore',
  'createServer',
  'hashToken',
  'hostOf',
  'isLoopbackAddress',
  'isLoopbackHost',
  'openApiDocument',
  'serverConfigSchema',
];

describe('the @vth/server entry point', () => {
  it('exports exactly the public names, none of them undefined', () => {
    expect(Object.keys(server).sort()).toEqual(PUBLIC_NAMES);
    for (const name of PUBLIC_NAMES) expect(server[name as keyof typeof server]).toBeDefined();
  });
});

describe("helpers kept for the server's users", () => {
  it('are the ones of @vth/security (who counts as local, token hashes)', () => {
    for (const name of ['hashToken', 'hostOf', 'isLoopbackAddress', 'isLoopbackHost', 'TokenStore'] as const)
      expect(server[name]).toBe(security[name]);
  });
});

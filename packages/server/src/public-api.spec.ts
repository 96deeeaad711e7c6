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

describe('loopback checks (who counts as local)', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])(
    'takes host %j as loopback',
    (host) => expect(server.isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '10.0.0.1', 'localhost.evil.com', '127.0.0.1.evil.com', '::', ''])(
    'does not take host %j as loopback',
    (host) => expect(server.isLoopbackHost(host)).toBe(false),
  );

  it('takes only loopback peer addresses as local', () => {
    expect(server.isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(server.isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(server.isLoopbackAddress('::1')).toBe(true);
    expect(server.isLoopbackAddress('192.168.1.2')).toBe(false);
    expect(server.isLoopbackAddress(undefined)).toBe(false);
  });

  it('reads the host name of a Host header, without its port, IPv6 brackets included', () => {
    expect(server.hostOf('Example.COM:8080')).toBe('example.com');
    expect(server.hostOf('[::1]:7700')).toBe('::1');
    expect(server.hostOf('[::1')).toBeUndefined();
    expect(server.hostOf(undefined)).toBeUndefined();
  });

  it('hashes tokens with SHA-256, so a stored hash never reveals the token', () => {
    expect(server.hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

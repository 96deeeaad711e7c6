import { hostOf, isLoopbackAddress, isLoopbackHost } from './network-access';

describe('loopback checks (who counts as local)', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])(
    'takes host %j as loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '10.0.0.1', 'localhost.evil.com', '127.0.0.1.evil.com', '::', ''])(
    'does not take host %j as loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );

  it('takes only loopback peer addresses as local', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('192.168.1.2')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it('reads the host name of a Host header, without its port, IPv6 brackets included', () => {
    expect(hostOf('Example.COM:8080')).toBe('example.com');
    expect(hostOf(' example.com ')).toBe('example.com');
    expect(hostOf('[::1]:7700')).toBe('::1');
    expect(hostOf('[::1')).toBeUndefined();
    expect(hostOf(undefined)).toBeUndefined();
  });
});

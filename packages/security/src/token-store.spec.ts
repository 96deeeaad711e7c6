import { hashToken, TokenStore } from './token-store';

describe('TokenStore', () => {
  const store = new TokenStore([
    { id: 'a', userId: 'alice', role: 'user', sha256: hashToken('alice-secret') },
    { id: 'r', userId: 'root', role: 'admin', sha256: hashToken('root-secret').toUpperCase() },
  ]);

  it('finds the entry of a presented token by its hash, whatever the case of the stored hex', () => {
    expect(store.size).toBe(2);
    expect(store.verify('alice-secret')).toMatchObject({ id: 'a', userId: 'alice' });
    expect(store.verify('root-secret')).toMatchObject({ id: 'r', role: 'admin' });
  });

  it('finds nothing for an unknown, an empty or an overlong token', () => {
    expect(store.verify('alice-secret ')).toBeUndefined();
    expect(store.verify('')).toBeUndefined();
    const long = 'x'.repeat(4097);
    expect(
      new TokenStore([{ id: 'l', userId: 'l', role: 'user', sha256: hashToken(long) }]).verify(long),
    ).toBeUndefined();
  });
});

describe('hashToken', () => {
  it('hashes tokens with SHA-256, so a stored hash never reveals the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

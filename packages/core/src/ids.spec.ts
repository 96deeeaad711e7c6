import { createId } from './ids';
import { sessionIdSchema } from './schemas';

describe('createId', () => {
  it('gives 12 base-36 characters, prefixed when asked, valid as a session id', () => {
    const bare = createId();
    expect(bare).toMatch(/^[0-9a-z]{12}$/);
    const prefixed = createId('s');
    expect(prefixed).toMatch(/^s-[0-9a-z]{12}$/);
    expect(sessionIdSchema.safeParse(prefixed).success).toBe(true);
  });

  it('does not repeat itself', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createId()));
    expect(ids.size).toBe(1000);
  });
});

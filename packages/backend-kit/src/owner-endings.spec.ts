import { OwnerEndings } from './owner-endings';

describe('OwnerEndings', () => {
  it('remembers why the owner ended each session, the most recent 1,024, refreshed when told again', () => {
    const endings = new OwnerEndings();
    endings.remember('s-0', 'destroyed');
    for (let i = 1; i < 1024; i++) endings.remember(`s-${i}`, 'shutdown');
    endings.remember('s-0', 'destroyed'); // now the most recent
    endings.remember('s-1024', 'shutdown'); // one over: the oldest (s-1) goes
    expect(endings.reason('s-0')).toBe('destroyed');
    expect(endings.reason('s-1')).toBeUndefined();
    expect(endings.reason('s-2')).toBe('shutdown');
    expect(endings.reason('s-1024')).toBe('shutdown');
    expect(endings.reason('never')).toBeUndefined();
  });
});

import fc from 'fast-check';
import { parseNewPane, parsePaneRows, parseServer } from './tmux-formats';

describe('rows of tmux formats', () => {
  it('reads the rows tmux prints', () => {
    expect(parseNewPane('$3 @4 %5 4242 /dev/pts/7')).toEqual({
      tmuxSessionId: '$3',
      windowId: '@4',
      paneId: '%5',
      pid: 4242,
      tty: '/dev/pts/7',
    });
    expect(parsePaneRows(['%1 $0', '%2 $1', '%2 $0'])).toEqual(
      new Map([
        ['%1', new Set(['$0'])],
        ['%2', new Set(['$1', '$0'])],
      ]),
    );
    expect(parseServer('100 200')).toEqual({ serverPid: 100, controlPanePid: 200 });
  });

  it('takes nothing but a row of the exact shape (property: arbitrary lines are never rows)', () => {
    const line = fc.string({
      unit: fc.oneof(fc.constantFrom('%', '$', '@', ' ', '1', '/dev/pts/1', '\n', '%end 1 1 1'), fc.string()),
      maxLength: 20,
    });
    fc.assert(
      fc.property(line, (l) => {
        const row = parsePaneRows([l]);
        for (const [pane, sessions] of row) {
          expect(pane).toMatch(/^%\d+$/);
          for (const s of sessions) expect(s).toMatch(/^\$\d+$/);
          expect(l).toBe(`${pane} ${[...sessions][0]}`);
        }
        const made = parseNewPane(l);
        if (made)
          expect(l).toBe(`${made.tmuxSessionId} ${made.windowId} ${made.paneId} ${made.pid} ${made.tty}`);
      }),
    );
    expect(parseNewPane('$3 @4 %5 4242 /dev/pts/7 extra')).toBeNull();
    expect(parseNewPane(undefined)).toBeNull();
    expect(parsePaneRows(['%1 $0 x', 'x %1 $0', '%1', ''])).toEqual(new Map());
  });
});

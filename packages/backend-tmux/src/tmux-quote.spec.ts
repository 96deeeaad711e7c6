import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { quoteTmuxArg, quoteTmuxFormatArg } from './tmux-quote';

describe('quoteTmuxArg', () => {
  it('never yields a raw newline or control byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(quoteTmuxArg(s)).not.toMatch(/[\x00-\x1f\x7f]/);
      }),
    );
  });

  it('round-trips hostile strings through a real tmux parser (set-environment / show-environment)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vth-quote-'));
    const socket = join(dir, 's');
    const hostile = [
      "it's",
      'a"b',
      'x;kill-server',
      'a\nb',
      '$HOME ~ #{pane_id}',
      'back\\slash\\',
      '\x1b[31m\x07\x01',
      "'; kill-server; '",
      '" ; kill-server ; "',
      ...fc.sample(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\0')),
        40,
      ),
    ];
    try {
      execFileSync('tmux', [
        '-S',
        socket,
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        'q',
        'tail -f /dev/null',
      ]);
      const script = hostile.map((v, i) => `set-environment -t q V${i} ${quoteTmuxArg(v)}`).join('\n') + '\n';
      execFileSync('tmux', ['-u', '-S', socket, '-C', 'attach', '-t', 'q'], { input: script });
      hostile.forEach((v, i) => {
        const shown = execFileSync('tmux', ['-u', '-S', socket, 'show-environment', '-t', 'q', `V${i}`]);
        expect(shown.toString('utf8')).toBe(`V${i}=${v}\n`);
      });
      // The server survived every attempt to end it.
      expect(execFileSync('tmux', ['-S', socket, 'has-session', '-t', 'q']).length).toBe(0);
    } finally {
      try {
        execFileSync('tmux', ['-S', socket, 'kill-server']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps # literal in format-expanded arguments', () => {
    expect(quoteTmuxFormatArg('/tmp/#{pane_id}')).toBe("'/tmp/##{pane_id}'");
  });
});

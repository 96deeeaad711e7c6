import { randomHex } from './random-token';
import { type RunnerState } from './runner-state';

/**
 * Giving a shell vth's hooks: at boot, and again when a shell replaced vth's (`exec bash`). The text typed
 * first only turns echo off and says so (`quiet` mark); the bootstrap, which carries the secret, is typed
 * after that mark, so the secret is never echoed.
 */
export class ShellArming {
  /** The nonce of the bootstrap to type when the shell reports that echo is off (`quiet` mark). */
  private secretToType: string | null;
  /** A `shellInForeground` check for a re-arm request is under way. */
  private checkingRearm = false;

  constructor(private readonly s: RunnerState) {
    this.secretToType = s.nonce;
  }

  /** The text that turns echo off in a fresh shell. */
  quietText(): string {
    return this.s.opts.dialect.quiet(this.bootstrapOptions());
  }

  private bootstrapOptions() {
    const opts = this.s.opts;
    return { keepOnlcr: opts.onlcr === true, exitLingerMs: opts.exitLingerMs ?? 0 };
  }

  /**
   * Echo is off: the bootstrap (the secret) can be typed. Once per boot or re-arm: a second quiet mark
   * (anyone can print one) changes nothing.
   */
  onQuiet(): void {
    const s = this.s;
    if (this.secretToType !== null && (s.phase === 'booting' || s.phase === 'rearming')) {
      const nonce = this.secretToType;
      this.secretToType = null;
      if (nonce !== s.nonce) s.parser.expect(nonce);
      s.write(s.opts.dialect.bootstrap(nonce, this.bootstrapOptions()));
    }
  }

  /**
   * `ESC ] 6973 ; R BEL`: a shell without our hooks asks for them — the shell that replaced ours (`exec
   * bash`), or any process printing the same bytes. A fresh bootstrap (with a new nonce) is typed only when
   * the transport confirms that the shell itself holds the terminal, so what is typed reaches the shell and
   * no job of the session; anything else is ignored.
   */
  onRearmRequest(): void {
    const s = this.s;
    const job = s.current;
    const check = s.opts.transport.shellInForeground;
    if (!job || !check || this.checkingRearm || (s.phase !== 'running' && s.phase !== 'raw')) return;
    this.checkingRearm = true;
    void (async () => {
      let foreground = false;
      try {
        foreground = await check.call(s.opts.transport);
      } catch {
        foreground = false;
      }
      this.checkingRearm = false;
      if (!foreground || s.current !== job || (s.phase !== 'running' && s.phase !== 'raw')) return;
      this.secretToType = randomHex(12);
      s.phase = 'rearming';
      s.write(this.quietText());
    })();
  }

  /**
   * The fresh hooks answered: the shell that replaced ours (`exec bash`) is ours now. What it printed since
   * the request was our bootstrap's echo, not the command's.
   */
  onRearmed(): void {
    const s = this.s;
    const job = s.current;
    if (job && s.phase === 'rearming') {
      job.heldDuringRearm = [];
      s.finish(job, null, undefined);
    }
  }
}

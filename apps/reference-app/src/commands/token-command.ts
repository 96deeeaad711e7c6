import { randomBytes } from 'node:crypto';
import { hashToken } from '@vth/server';
import { inject, injectable } from 'tsyringe';
import { EXIT } from '../exit-codes';
import { type Output } from '../stdio';
import { TOKENS } from '../tokens';

/**
 * `vth token --user <id> [--role admin]`: a new random bearer token for `vth serve`. Prints the token (give
 * it to the client) and, on stderr, the entry for `server.auth.tokens` (it holds only the token's SHA-256).
 */
@injectable()
export class TokenCommand {
  constructor(@inject(TOKENS.Output) private readonly output: Output) {}

  run(options: { user: string; role?: string }): number {
    if (
      !/^[\w.@-]{1,256}$/.test(options.user) ||
      (options.role !== undefined && options.role !== 'user' && options.role !== 'admin')
    ) {
      this.output.stderr.write(
        'vth: --user must be a name (letters, digits, _ . @ -) and --role user or admin\n',
      );
      return EXIT.usage;
    }
    const token = randomBytes(32).toString('base64url');
    const entry = {
      id: `${options.user}-${token.slice(0, 6)}`,
      userId: options.user,
      role: options.role ?? 'user',
      sha256: hashToken(token),
    };
    this.output.stdout.write(`${token}\n`);
    this.output.stderr.write(`add to server.auth.tokens in vth.config.json:\n${JSON.stringify(entry)}\n`);
    return EXIT.ok;
  }
}

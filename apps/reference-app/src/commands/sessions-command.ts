import { sessionInfoSchema, wireErrorSchema, type WireSessionInfo } from '@vth/protocol';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { EXIT } from '../exit-codes';
import { authHeaders, serverTarget, type ServerTarget } from '../remote/server-target';
import { type Output } from '../stdio';
import { TOKENS } from '../tokens';

export interface SessionsOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

const listAnswerSchema = z.union([
  z.object({ ok: z.literal(true), value: z.array(sessionInfoSchema) }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);

/**
 * `vth sessions`: lists the sessions of a running `vth serve` (`GET /v1/sessions`), one per line
 * (`id alive cwd`), or as JSON. An unreachable server or a refused token exits 1 with the reason.
 */
@injectable()
export class SessionsCommand {
  constructor(
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Environment) private readonly env: NodeJS.ProcessEnv,
  ) {}

  async run(options: SessionsOptions): Promise<number> {
    const target = serverTarget(options, this.env);
    if (!target.ok) {
      this.output.stderr.write(`vth: ${target.error.message}\n`);
      return EXIT.usage;
    }
    const listed = await listSessions(target.value);
    if (!listed.ok) {
      this.output.stderr.write(`vth: ${listed.code}: ${listed.message}\n`);
      return EXIT.failure;
    }
    if (options.json) {
      this.output.stdout.write(`${JSON.stringify(listed.value)}\n`);
      return EXIT.ok;
    }
    for (const s of listed.value) {
      this.output.stdout.write(`${s.id}\t${s.alive ? 'alive' : 'ended'}\t${s.cwd ?? '-'}\n`);
    }
    return EXIT.ok;
  }
}

/** The server's answer, or why there is none (its error code, or UNAVAILABLE / INTERNAL of our own). */
type Listed = { ok: true; value: WireSessionInfo[] } | { ok: false; code: string; message: string };

async function listSessions(target: ServerTarget): Promise<Listed> {
  const url = new URL('/v1/sessions', target.url);
  let body: unknown;
  try {
    const response = await fetch(url, { headers: authHeaders(target) });
    body = await response.json();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? String(e);
    return { ok: false, code: 'UNAVAILABLE', message: `cannot reach ${target.url.origin}: ${reason}` };
  }
  const answer = listAnswerSchema.safeParse(body);
  if (!answer.success)
    return { ok: false, code: 'INTERNAL', message: `${url.href} did not answer as vth serve does` };
  if (!answer.data.ok) return { ok: false, code: answer.data.error.code, message: answer.data.error.message };
  return { ok: true, value: answer.data.value };
}

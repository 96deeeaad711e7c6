import { connectEngine, pullImage } from '@vth/backend-container';
import { inject, injectable } from 'tsyringe';
import { EXIT } from '../exit-codes';
import { formatBackendError } from '../format-error';
import { PullProgressBar } from '../pull-progress';
import { type Output } from '../stdio';
import { TOKENS } from '../tokens';

/** How long the engine may take to answer (not to finish the pull). */
const ENGINE_ANSWER_MS = 30_000;

/**
 * `vth image pull <ref>`: pulls an image through the Docker Engine the container backend uses (its
 * `DOCKER_HOST`, context or socket), with a progress bar on stderr when it is a terminal and silence in a
 * pipe. Exits 0 when pulled, 2 for a malformed reference, 1 with the engine's reason otherwise
 * (`vth: UNAVAILABLE: cannot pull ...`).
 */
@injectable()
export class ImagePullCommand {
  constructor(
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Environment) private readonly env: NodeJS.ProcessEnv,
  ) {}

  async run(ref: string): Promise<number> {
    const connected = await connectEngine(
      {},
      { timeoutMs: ENGINE_ANSWER_MS, backendId: 'vth-image-pull' },
      this.env,
    );
    if (!connected.ok) return this.failed(connected.error);
    const stderr = this.output.stderr as NodeJS.WritableStream & { isTTY?: boolean };
    const bar = new PullProgressBar(stderr, stderr.isTTY === true, ref);
    try {
      const pulled = await pullImage(connected.value.engine, ref, (event) => bar.update(event));
      bar.finish();
      return pulled.ok ? EXIT.ok : this.failed(pulled.error);
    } finally {
      connected.value.engine.close();
    }
  }

  private failed(error: Parameters<typeof formatBackendError>[0]): number {
    this.output.stderr.write(formatBackendError(error));
    return error.code === 'INVALID_INPUT' ? EXIT.usage : EXIT.failure;
  }
}

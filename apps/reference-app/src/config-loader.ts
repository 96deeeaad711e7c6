import { fail, ok, type BackendResult } from '@vth/core';
import { formatIssues } from '@vth/core/kit';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { inject, injectable } from 'tsyringe';
import {
  CONFIG_FILE_ENV,
  DEFAULT_CONFIG_FILE,
  configEnvSchema,
  configSchema,
  type AppConfig,
} from './config';
import { TOKENS } from './tokens';

export interface LoadedConfig {
  config: AppConfig;
  /** The file it came from; absent when defaults and the environment were all there was. */
  file?: string;
}

type FileRead = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };

async function readText(file: string): Promise<FileRead> {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(e);
    return { ok: false, missing: code === 'ENOENT', reason };
  }
}

function invalid(message: string, details: Record<string, unknown>): BackendResult<LoadedConfig> {
  return fail('INVALID_CONFIG', message, { dispatched: false, details });
}

/**
 * Loads the app's configuration: the file (`--config`, else `VTH_CONFIG`, else `./vth.config.json` when it
 * exists), validated, then the environment's overrides (`VTH_BACKEND`, `VTH_TIMEOUT_MS`). Never throws:
 * a missing or malformed file is `INVALID_CONFIG` naming the file and each bad path.
 *
 * @example
 * ```ts
 * const loaded = await container.resolve(ConfigLoader).load('./vth.config.json');
 * if (!loaded.ok) console.error(loaded.error.message); // invalid config ./vth.config.json: exec.timeoutMs: must be positive
 * ```
 */
@injectable()
export class ConfigLoader {
  constructor(
    @inject(TOKENS.Environment) private readonly env: NodeJS.ProcessEnv,
    @inject(TOKENS.WorkingDirectory) private readonly cwd: string,
  ) {}

  async load(configPath?: string): Promise<BackendResult<LoadedConfig>> {
    const envParsed = configEnvSchema.safeParse(this.env);
    if (!envParsed.success) {
      const issues = formatIssues(envParsed.error.issues);
      return invalid(`invalid environment: ${issues.join('; ')}`, { issues });
    }
    const overrides = envParsed.data;

    const fromFile = await this.loadFile(configPath);
    if (!fromFile.ok) return fromFile;
    const { config: base, file } = fromFile.value;

    const config: AppConfig = {
      ...base,
      ...(overrides.VTH_BACKEND === undefined ? {} : { defaultBackend: overrides.VTH_BACKEND }),
      exec: {
        ...base.exec,
        ...(overrides.VTH_TIMEOUT_MS === undefined ? {} : { timeoutMs: overrides.VTH_TIMEOUT_MS }),
      },
    };
    return ok({ config, ...(file === undefined ? {} : { file }) });
  }

  private async loadFile(configPath: string | undefined): Promise<BackendResult<LoadedConfig>> {
    const named = configPath ?? nonEmpty(this.env[CONFIG_FILE_ENV]);
    const file = path.resolve(this.cwd, named ?? DEFAULT_CONFIG_FILE);
    const read = await readText(file);
    if (!read.ok) {
      // Only the conventional file is optional: a file someone named must be there.
      if (named === undefined && read.missing) return ok({ config: configSchema.parse({}) });
      return invalid(`cannot read config ${file}: ${read.reason}`, { file });
    }
    let json: unknown;
    try {
      json = JSON.parse(read.text);
    } catch (e) {
      return invalid(`invalid config ${file}: not valid JSON: ${(e as Error).message}`, { file });
    }
    const parsed = configSchema.safeParse(json);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error.issues);
      return invalid(`invalid config ${file}: ${issues.join('; ')}`, { file, issues });
    }
    return ok({ config: parsed.data, file });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

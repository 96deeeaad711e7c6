import { Command, CommanderError } from 'commander';
import { type DependencyContainer } from 'tsyringe';
import { AttachCommand } from './commands/attach-command';
import { BackendsCommand } from './commands/backends-command';
import { SessionsCommand } from './commands/sessions-command';
import { DEFAULT_SERVER_URL, TOKEN_ENV, URL_ENV } from './remote/server-target';
import { ExecCommand } from './commands/exec-command';
import { ImagePullCommand } from './commands/image-pull-command';
import { McpCommand } from './commands/mcp-command';
import { ServeCommand } from './commands/serve-command';
import { ShellCommand } from './commands/shell-command';
import { TokenCommand } from './commands/token-command';
import { CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE, PLUGINS_FROM_ENV } from './config';
import { createContainer, type ContainerOptions } from './container';
import { EXIT } from './exit-codes';
import { type Output } from './stdio';
import { APP_VERSION } from './app-version';
import { duration, envEntry, port } from './option-values';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from './completion-script';
import { Argument } from 'commander';
import { APP_CONFIG_SCHEMA_TITLE, configSchema } from './config';
import { configJsonSchema, schemaFileText } from './config-schema/config-json-schema';

const ENV_FLAGS = '--env <KEY=VALUE>';
const ENV_HELP = 'set an environment variable in the session (repeatable)';

/** What the CLI runs against; the process's own by default. */
export type CliEnvironment = Omit<ContainerOptions, 'configPath' | 'pluginsFrom'> & { output?: Output };

interface GlobalOptions {
  config?: string;
  pluginsFrom?: string;
}

/**
 * Parses `argv` (as `process.argv`: node, script, then arguments), runs the command and returns the exit
 * code. Usage errors (unknown option, bad value) and invalid configuration return 2; `--help` returns 0.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv);
 * ```
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment = {}): Promise<number> {
  const output = environment.output ?? { stdout: process.stdout, stderr: process.stderr };
  let exitCode: number = EXIT.ok;

  const program = new Command('vth')
    .description('Run commands in persistent terminal sessions on interchangeable backends.')
    .option(
      '--config <path>',
      `config file (default: $${CONFIG_FILE_ENV}, else ./${DEFAULT_CONFIG_FILE} when it exists)`,
    )
    .option(
      '--plugins-from <package.json>',
      `discover backend plugins among this package's dependencies (default: $${PLUGINS_FROM_ENV}, else the app's own)`,
    )
    .version(APP_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    });

  /** Builds the container from the global options and runs one command class in it. */
  const run = async (task: (container: DependencyContainer) => Promise<number>): Promise<void> => {
    const globals = program.opts<GlobalOptions>();
    const created = await createContainer({
      ...environment,
      output,
      ...(globals.config === undefined ? {} : { configPath: globals.config }),
      ...(globals.pluginsFrom === undefined ? {} : { pluginsFrom: globals.pluginsFrom }),
    });
    if (!created.ok) {
      output.stderr.write(`vth: ${created.error.message}\n`);
      exitCode = EXIT.usage;
      return;
    }
    exitCode = await task(created.value);
  };

  program
    .command('backends')
    .description('list the discovered backend plugins, whether they work here, and their capabilities')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => run((c) => c.resolve(BackendsCommand).run(options)));

  program
    .command('exec')
    .description('run one command in a new session; exit with its exit code (124 timed out, 130 interrupted)')
    .argument('<command...>', 'the command (its words are joined with spaces); put it after --')
    .option('--backend <type>', "backend type (default: the config's defaultBackend, else its fallbackOrder)")
    .option(
      '--timeout <duration>',
      "time limit: 1500 (ms), 1500ms, 30s, 2m (default: the config's exec.timeoutMs)",
      duration,
    )
    .option('--cwd <dir>', 'working directory of the session')
    .option(ENV_FLAGS, ENV_HELP, envEntry)
    .option(
      '--json',
      'print one JSON object { status, exitCode, cwd, output, truncatedBytes, durationMs } on stdout',
    )
    .action(
      (
        command: string[],
        options: {
          backend?: string;
          timeout?: number;
          cwd?: string;
          json?: boolean;
          env?: Record<string, string>;
        },
      ) =>
        run((c) =>
          c.resolve(ExecCommand).run({
            command,
            ...(options.json ? { json: true } : {}),
            ...(options.env === undefined ? {} : { env: options.env }),
            ...(options.backend === undefined ? {} : { backend: options.backend }),
            ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
            ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
          }),
        ),
    );

  program
    .command('shell')
    .description('run each line of input as a command in one persistent session (interactive on a terminal)')
    .option('--backend <type>', "backend type (default: the config's defaultBackend, else its fallbackOrder)")
    .option('--cwd <dir>', 'working directory of the session')
    .option(ENV_FLAGS, ENV_HELP, envEntry)
    .action((options: { backend?: string; cwd?: string; env?: Record<string, string> }) =>
      run((c) => c.resolve(ShellCommand).run(options)),
    );

  program
    .command('serve')
    .description(
      'serve sessions over HTTP and WebSocket (vth.v1), with metrics and the admin API, until Ctrl-C',
    )
    .option(
      '--backend <type>',
      "backend type or 'manager' (default: the config's manager, else defaultBackend, else fallbackOrder)",
    )
    .option('--host <host>', "interface to bind (default: the config's server.host, else 127.0.0.1)")
    .option('--port <port>', "port, 0 for any free one (default: the config's server.port, else 7700)", port)
    .action((options: { backend?: string; host?: string; port?: number }) =>
      run((c) => c.resolve(ServeCommand).run(options)),
    );

  program
    .command('mcp')
    .description(
      'speak the Model Context Protocol (terminal tools for AI agents) on stdio, or on HTTP with --http',
    )
    .option(
      '--backend <type>',
      "backend type or 'manager' (default: the config's manager, else defaultBackend, else fallbackOrder)",
    )
    .option('--http', 'serve Streamable HTTP instead of stdio')
    .option(
      '--host <host>',
      "with --http: interface to bind (default: the config's mcp.http.host, else 127.0.0.1)",
    )
    .option(
      '--port <port>',
      'with --http: port, 0 for any free one (default: mcp.http.port, else 7701)',
      port,
    )
    .action((options: { backend?: string; http?: boolean; host?: string; port?: number }) =>
      run((c) => c.resolve(McpCommand).run(options)),
    );

  program
    .command('token')
    .description('print a new bearer token for `vth serve`, and its config entry (only its hash) on stderr')
    .requiredOption('--user <id>', 'the user the token speaks for')
    .option('--role <role>', 'user (default) or admin')
    .action((options: { user: string; role?: string }) =>
      run(async (c) => c.resolve(TokenCommand).run(options)),
    );

  const URL_HELP = `the server (default: $${URL_ENV}, else ${DEFAULT_SERVER_URL})`;
  const TOKEN_HELP = `bearer token (default: $${TOKEN_ENV})`;
  program
    .command('sessions')
    .description('list the sessions of a running `vth serve`')
    .option('--url <url>', URL_HELP)
    .option('--token <token>', TOKEN_HELP)
    .option('--json', 'print JSON')
    .action((options: { url?: string; token?: string; json?: boolean }) =>
      run((c) => c.resolve(SessionsCommand).run(options)),
    );

  program
    .command('attach')
    .description('attach this terminal to a session of a running `vth serve` (Ctrl-] detaches)')
    .argument('<id>', 'the session id (see `vth sessions`)')
    .option('--url <url>', URL_HELP)
    .option('--token <token>', TOKEN_HELP)
    .action((sessionId: string, options: { url?: string; token?: string }) =>
      run((c) => c.resolve(AttachCommand).run({ sessionId, ...options })),
    );

  program
    .command('image')
    .description('container images, through the Docker Engine of the container backend')
    .command('pull')
    .description('pull an image (a progress bar on a terminal, quiet in a pipe)')
    .argument('<ref>', 'image reference: name[:tag] or name@digest (no tag: latest)')
    .action((ref: string) => run((c) => c.resolve(ImagePullCommand).run(ref)));

  program
    .command('config')
    .description('about the config file (vth.config.json)')
    .command('schema')
    .description(
      'print the JSON Schema of the config file: point its "$schema" key at a copy for editor completion',
    )
    .action(() => {
      output.stdout.write(schemaFileText(configJsonSchema(configSchema, APP_CONFIG_SCHEMA_TITLE)));
    });

  program
    .command('completion')
    .description(
      'print the shell completion script: source <(vth completion bash) in ~/.bashrc (zsh: ~/.zshrc)',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      output.stdout.write(completionScript(shell, program));
    });

  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  return exitCode;
}

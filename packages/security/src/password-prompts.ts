import { analyseCommandLine, type AnalysedCommand } from './command-analysis';
import { LOGIN_CLIENTS } from './login-clients';

/** Programs that ask for a password or passphrase on the terminal whatever their arguments. */
const ALWAYS = new Set([
  'su',
  'passwd',
  'chpasswd',
  'kinit',
  'gpg',
  'gpg2',
  'ssh',
  'scp',
  'sftp',
  'psql',
  'openssl',
  'ssh-keygen',
  'ssh-add',
  'cryptsetup',
]);

/**
 * Does this command line run a program that reads a password from the terminal or stdin (`sudo`,
 * `sudo -S`, `passwd`, `su`, `read -s`, `mysql -p`, `docker login`, `htpasswd` without `-b`, `ssh`…)? The
 * lines typed after it are then audited masked. Generous on purpose: masking a line that was not a
 * password costs a line of audit detail; the opposite leaks a password.
 *
 * @example
 * ```ts
 * readsPassword('sudo -S apt-get update'); // true
 * ```
 */
export function readsPassword(commandLine: string): boolean {
  // Most lines name none of these programs: skip the parse.
  if (!MENTIONS.test(commandLine)) return false;
  return analyseCommandLine(commandLine).some(asksForPassword);
}

/** Every program below contains one of these. */
const MENTIONS = /su|pass|doas|read|k(?:init|ey)|gpg|ssh|scp|sftp|sql|maria|login|openssl|crypt/;

function asksForPassword(command: AnalysedCommand): boolean {
  const name = command.program?.every((t) => typeof t === 'string') ? command.program.join('') : null;
  if (name === null) return false;
  const { flags } = command;
  if (ALWAYS.has(name)) return true;
  switch (name) {
    case 'sudo':
    case 'doas':
      return !flags.short.has('n') && !flags.long.includes('non-interactive');
    case 'read':
      return flags.short.has('s');
    case 'htpasswd':
      return !flags.short.has('b');
    default:
      if (/^(?:mysql|mariadb)/.test(name)) return flags.words.has('-p') || flags.long.includes('password');
      return LOGIN_CLIENTS.has(name) && command.args.length > 0;
  }
}

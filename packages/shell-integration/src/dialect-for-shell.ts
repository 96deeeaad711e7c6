import { basename } from 'node:path';
import { bashDialect } from './bash-dialect';
import { posixDialect } from './posix-dialect';
import { type ShellDialect } from './shell-dialect';

/**
 * The dialect for a shell program: bash (and `bash-static`, `bash5`, ...) gets the full integration, every
 * other shell the POSIX fallback.
 *
 * @example `dialectForShell('/usr/bin/bash').name === 'bash'`
 */
export function dialectForShell(shell: string): ShellDialect {
  return /^bash/.test(basename(shell)) ? bashDialect : posixDialect;
}

import { wordText, type ShellWord } from './shell-words';

/*
 * Programs that run another program named by their arguments (`sudo rm …`, `env X=1 rm …`, `xargs rm`):
 * how to find where the wrapped command starts.
 */

export interface WrapperSpec {
  /** Options that take the next word as their value. */
  values: readonly string[];
  /** Positional words before the program (`timeout DURATION`, `chroot DIR`). */
  positionals?: number;
  /** `NAME=value` words may precede the program. */
  assignments?: boolean;
  /** The program gets arguments the text does not show. */
  extraArgs?: string;
}

/** Programs that run the program named by their arguments. */
export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: {
    values: [
      '-u',
      '-g',
      '-C',
      '-D',
      '-h',
      '-p',
      '-r',
      '-t',
      '-T',
      '-U',
      '--user',
      '--group',
      '--chdir',
      '--chroot',
      '--host',
      '--prompt',
      '--role',
      '--type',
      '--close-from',
      '--command-timeout',
      '--other-user',
    ],
    assignments: true,
  },
  doas: { values: ['-u', '-C'] },
  env: { values: ['-u', '-C', '--unset', '--chdir'], assignments: true },
  command: { values: [] },
  builtin: { values: [] },
  exec: { values: ['-a'] },
  nohup: { values: [] },
  time: { values: ['-f', '-o', '--format', '--output'] },
  nice: { values: ['-n', '--adjustment'] },
  ionice: { values: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  stdbuf: { values: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  setsid: { values: [] },
  timeout: { values: ['-s', '-k', '--signal', '--kill-after'], positionals: 1 },
  chroot: { values: ['--userspec', '--groups'], positionals: 1 },
  strace: { values: ['-o', '-e', '-p', '-s', '-u', '-E', '-a', '-b', '-I', '-O', '-S', '-X'] },
  busybox: { values: [] },
  xargs: {
    values: [
      '-a',
      '-d',
      '-E',
      '-I',
      '-L',
      '-n',
      '-P',
      '-s',
      '--arg-file',
      '--delimiter',
      '--eof',
      '--replace',
      '--max-lines',
      '--max-args',
      '--max-procs',
      '--max-chars',
      '--process-slot-var',
    ],
    extraArgs: 'xargs adds arguments from its input',
  },
};

/** Where the wrapped program starts in a wrapper's words, or -1 when there is none. */
export function wrapped(words: ShellWord[], spec: WrapperSpec): number {
  let i = 1;
  for (; i < words.length; i++) {
    const w = wordText(words[i]!);
    if (w === null) return i;
    if (w === '--') {
      i++;
      break;
    }
    if (w.startsWith('-') && w.length > 1) {
      if (spec.values.includes(w)) i++;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    break;
  }
  i += spec.positionals ?? 0;
  return i < words.length ? i : -1;
}

import { type Command } from 'commander';

/** The shells `vth completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface Words {
  /** Subcommands and options of the program itself. */
  top: string[];
  /** Options taking a value, anywhere: the word after them is that value, not a subcommand. */
  valued: string[];
  /** Per subcommand (`config schema` as `config`): its subcommands and options. */
  sub: Map<string, string[]>;
}

function wordsOf(program: Command): Words {
  const optionWords = (c: Command) =>
    c.options.flatMap((o) => [o.short, o.long].filter((f) => f !== undefined));
  const valued = new Set<string>();
  const collect = (c: Command) => {
    for (const o of c.options)
      if (o.required || o.optional) for (const f of [o.short, o.long]) if (f) valued.add(f);
    c.commands.forEach(collect);
  };
  collect(program);
  const sub = new Map<string, string[]>();
  for (const c of program.commands) {
    const choices = c.registeredArguments.flatMap((a) => a.argChoices ?? []);
    sub.set(c.name(), [...c.commands.map((s) => s.name()), ...choices, ...optionWords(c), '--help']);
  }
  return {
    top: [...program.commands.map((c) => c.name()), ...optionWords(program), '--help'],
    valued: [...valued],
    sub,
  };
}

/** Completion words are commander names and flags: nothing to quote, but keep it so if that changes. */
const quote = (words: readonly string[]) => `'${words.join(' ').replace(/'/g, `'\\''`)}'`;

function bashFunction(words: Words): string {
  const cases = [...words.sub].map(([name, list]) => `    ${name}) words=${quote(list)} ;;`).join('\n');
  return `_vth_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" words i
  # The first word that is neither an option nor an option's value is the subcommand.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${words.valued.join('|')}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd" in
    "") words=${quote(words.top)} ;;
${cases}
    *) words="" ;;
  esac
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    ${words.valued.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _vth_complete vth
`;
}

/**
 * The completion script of `vth` for a shell, built from the commander program, so it always knows every
 * subcommand and option. zsh gets the same function through zsh's own `bashcompinit`.
 *
 * @example
 * ```sh
 * source <(vth completion bash)        # in ~/.bashrc
 * source <(vth completion zsh)         # in ~/.zshrc
 * ```
 */
export function completionScript(shell: CompletionShell, program: Command): string {
  const body = bashFunction(wordsOf(program));
  if (shell === 'bash') return `# vth completion for bash: source <(vth completion bash)\n${body}`;
  return `#compdef vth
# vth completion for zsh: source <(vth completion zsh)
autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }
autoload -U +X bashcompinit && bashcompinit
${body}`;
}

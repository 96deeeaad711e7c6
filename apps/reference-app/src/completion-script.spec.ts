import { execFileSync } from 'node:child_process';
import { runCli } from './test-support/cli-process.fixture';

/**
 * Completes `line` (the cursor at its end) in a real bash that sourced `vth completion bash`: what the
 * user sees after pressing Tab.
 */
function completeInBash(script: string, line: string): { registered: string; candidates: string[] } {
  const program = `
source <(printf '%s' "$SCRIPT")
complete -p vth
read -ra COMP_WORDS <<< "$LINE"
[[ "$LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$LINE"; COMP_POINT=\${#LINE}
_vth_complete
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', program], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LINE: line, SCRIPT: script },
    encoding: 'utf8',
  });
  const [registered = '', ...candidates] = out.split('\n').filter((l) => l !== '');
  return { registered, candidates };
}

describe('vth completion', () => {
  let bashScript: string;
  beforeAll(async () => {
    const run = await runCli(['completion', 'bash']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    bashScript = run.stdout;
  });

  it('bash: registers a completion function for vth', () => {
    expect(completeInBash(bashScript, 'vth ').registered).toBe('complete -o default -F _vth_complete vth');
  });

  it('bash: completes subcommands', () => {
    expect(completeInBash(bashScript, 'vth ').candidates).toEqual(
      expect.arrayContaining([
        'backends',
        'exec',
        'shell',
        'serve',
        'mcp',
        'token',
        'sessions',
        'attach',
        'image',
        'config',
        'completion',
      ]),
    );
    expect(completeInBash(bashScript, 'vth sh').candidates.sort()).toEqual(['shell']);
    expect(completeInBash(bashScript, 'vth se').candidates.sort()).toEqual(['serve', 'sessions']);
    expect(completeInBash(bashScript, 'vth s').candidates.sort()).toEqual(['serve', 'sessions', 'shell']);
    expect(completeInBash(bashScript, 'vth im').candidates).toEqual(['image']);
    expect(completeInBash(bashScript, 'vth image ').candidates).toContain('pull');
  });

  it("bash: completes a subcommand's options, past global options and their values", () => {
    expect(completeInBash(bashScript, 'vth --config my.json exec --t').candidates).toEqual(['--timeout']);
    expect(completeInBash(bashScript, 'vth exec --env A=1 --').candidates).toEqual(
      expect.arrayContaining(['--backend', '--cwd', '--env', '--json', '--timeout']),
    );
    expect(completeInBash(bashScript, 'vth config ').candidates).toContain('schema');
    expect(completeInBash(bashScript, 'vth completion ').candidates).toEqual(
      expect.arrayContaining(['bash', 'zsh']),
    );
  });

  it('zsh: prints a script that loads bashcompinit and registers the same function', async () => {
    const run = await runCli(['completion', 'zsh']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^#compdef vth\n/);
    expect(run.stdout).toContain('bashcompinit');
    expect(run.stdout).toContain(bashScript.slice(bashScript.indexOf('_vth_complete() {')));
  });

  it('an unknown shell is a usage error', async () => {
    const run = await runCli(['completion', 'fish']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bash, zsh');
  });
});

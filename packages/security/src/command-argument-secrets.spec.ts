import { redactCommandArguments } from './command-argument-secrets';

// Arguments that are secrets only because of the command around them: the program's own grammar (its
// flags that take a value, its wrappers, its verbs) decides which word is the password.
describe('redactCommandArguments', () => {
  it.each([
    [
      'npm config set //registry.npmjs.org/:_password hunter2',
      'npm config set //registry.npmjs.org/:_password ***',
    ],
    ['yarn config set npmAuthToken abc123', 'yarn config set npmAuthToken ***'],
    // `--x y` takes its value wherever it stands; `--x=y` does not.
    [
      'aws configure set --profile dev aws_secret_access_key abc',
      'aws configure set --profile dev aws_secret_access_key ***',
    ],
    [
      'aws configure set --profile=dev aws_secret_access_key abc',
      'aws configure set --profile=dev aws_secret_access_key ***',
    ],
    ['git config -f ./cfg --global user.password hunter2', 'git config -f ./cfg --global user.password ***'],
    // Wrappers and their value flags are skipped to find the program.
    ['sudo -u root env A=1 docker login -p hunter2 reg', 'sudo -u root env A=1 docker login -p *** reg'],
    ['htpasswd -b > log .htpasswd alice hunter2', 'htpasswd -b > log .htpasswd alice ***'],
    // Fed through stdin to a program that reads a password there.
    ['echo hunter2 | sudo --stdin ls', 'echo *** | sudo --stdin ls'],
    ['echo hunter2 | htpasswd -i .htpasswd alice', 'echo *** | htpasswd -i .htpasswd alice'],
    ['echo hunter2 | openssl enc -pass stdin -in x', 'echo *** | openssl enc -pass stdin -in x'],
    ['echo -n hunter2 | sudo -S ls', 'echo -n *** | sudo -S ls'],
    // sudo's options that take a value come before -S too (missed before: `root` ended the search).
    ['echo hunter2 | sudo -u root -S ls', 'echo *** | sudo -u root -S ls'],
    ["echo hunter2 | sudo -p '' -g adm -S ls", "echo *** | sudo -p '' -g adm -S ls"],
    ['A=1 >/dev/null echo hunter2 | chpasswd', 'A=1 >/dev/null echo *** | chpasswd'],
  ])('masks the secret in %j', (input, expected) => {
    expect(redactCommandArguments(input)).toBe(expected);
  });

  it.each([
    // A login whose -p has no value, or a flag in its place; a login word too far from the program.
    'docker login -p',
    'docker login -p -u bob',
    'docker login -p > out',
    'docker a b c d login -p x',
    // Config verbs without a secret name, or without a value.
    'npm config set color false',
    'git config user.password',
    'git status --porcelain config',
    'aws configure set aws_secret_access_key > out',
    'git config user.password > out',
    // htpasswd -b with a single positional; openssl -k with an operator after it.
    'htpasswd -b alice',
    'openssl enc -k > out',
    // What the next command does not read as a password, or has nothing to read.
    'echo hunter2 | sudo ls',
    'echo hunter2 | openssl enc -pass file:x',
    'echo -n | sudo -S ls',
    'echo hunter2 | passwd alice',
    'cat pw | sudo -S ls',
    'sudo -S',
    'FOO=1 | sudo -S ls',
  ])('leaves %j alone', (input) => {
    expect(redactCommandArguments(input)).toBe(input);
  });
});

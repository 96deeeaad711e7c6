/**
 * Clients whose `login` subcommand takes a password: on the command line (`-p PASSWORD`, which the
 * redactor masks) or at a prompt (which makes the next typed line a password).
 */
export const LOGIN_CLIENTS: ReadonlySet<string> = new Set([
  'docker',
  'podman',
  'nerdctl',
  'buildah',
  'skopeo',
  'helm',
  'oras',
  'crane',
  'vault',
  'az',
  'oc',
  'cf',
]);

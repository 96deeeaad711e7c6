/** Words whose `…pass` ending is not a password. */
const NOT_PASSWORDS = new Set(['bypass', 'compass', 'encompass', 'overpass', 'underpass', 'trespass']);
const SECRET_WORDS = /password|passwd|passphrase|secret|token|credential|apikey|accesskey|privatekey/;

/**
 * Does a variable, flag, key or header name say its value is a secret? `DB_PASSWORD`, `--api-key`,
 * `GITHUB_TOKEN`, `-storepass`, `clientSecret` do; `PWD` and `bypass` do not.
 */
export function isSecretName(name: string): boolean {
  const bare = name.replace(/^-+/, '');
  const squashed = bare.toLowerCase().replace(/[-_.]/g, '');
  if (SECRET_WORDS.test(squashed)) return true;
  return bare.split(/[-_.]+|(?<=[a-z])(?=[A-Z])/).some((part) => {
    const p = part.toLowerCase();
    return p === 'pass' || p === 'passin' || p === 'passout' || (p.endsWith('pass') && !NOT_PASSWORDS.has(p));
  });
}

import { redactCommandArguments } from './command-argument-secrets';
import { isSecretName } from './secret-names';
import { mask, REDACTED, VALUE } from './secret-value';

export { REDACTED } from './secret-value';
export { isSecretName } from './secret-names';

/*
 * Every pattern below is anchored by a lookbehind or a literal prefix and every open-ended repetition is
 * a single character class or bounded: commands reach 1 MiB, and a pattern that backtracks
 * polynomially would let one command stall the process that audits it.
 */

/** `password=…`, `API_TOKEN=…`, `--token=…`: a name, `=`, a value. */
const ASSIGNMENT = new RegExp(String.raw`(?<![\w.-])([\w.-]{1,128})=(${VALUE})`, 'g');

/** `--password hunter2`, `-storepass x`: a flag, blanks, a value that is not another flag. */
const FLAG_ARGUMENT = new RegExp(String.raw`(?<![\w-])(--?[A-Za-z][\w-]{0,63})([ \t]+)(?!-)(${VALUE})`, 'g');

/** `--password-stdin` is a switch, `--token-file PATH` names where the secret is, not the secret. */
const NOT_A_SECRET_FLAG = /[-_](?:stdin|file|env|fd|prompt)$/i;

/** `"password": "…"`, as in a JSON body handed to curl. */
const JSON_MEMBER = new RegExp(
  String.raw`(["'])([\w.-]{1,128})\1([ \t]{0,16}:[ \t]{0,16})("(?:[^"\\]|\\[\s\S]){0,4096}"?|'[^']{0,4096}'?)`,
  'g',
);

/** `Authorization: Bearer …` (the scheme is kept: it tells a reader what kind of credential it was). */
const AUTHORIZATION =
  /(?<![\w-])((?:proxy-)?authorization[ \t]{0,16}:[ \t]{0,16})(?:(bearer|basic|digest|token|negotiate|apikey)[ \t]{1,16})?([^\s'"]{1,8192})/gi;

/** `Cookie: …`: every cookie may be a session. */
const COOKIE = /(?<![\w-])((?:set-)?cookie[ \t]{0,16}:[ \t]{0,16})([^'"\n]{1,8192})/gi;

/** `X-Api-Key: …`, `Private-Token: …`: any header whose name says secret. */
const HEADER = /(?<![\w-])([A-Za-z][\w-]{0,63})([ \t]{0,16}:[ \t]{0,16})([^\s'"]{1,8192})/g;

/** `scheme://user:password@host`. */
const URL_USERINFO = /(?<![\w+.-])([A-Za-z][\w+.-]{0,31}:\/\/[^\s/@:'"]{0,256}:)([^\s/@'"]{1,1024})@/g;

/** `curl -u user:password`, `--user=user:password` (not `-u redis://…`: URLs have their own rule). */
const USER_PASSWORD = /(?<![\w-])((?:-u|--user)(?:[ \t]+|=)['"]?[^\s:'"]{1,256}:)(?!\/\/)([^\s'"]{1,1024})/g;

/** A mysql-family command line: its `-pSECRET` (no blank: `-p db` means "prompt", then a database). */
const MYSQL_COMMAND = /(?<![\w-])(?:mysql|mariadb)[\w-]{0,32}(?![\w-])[^;&|\n]{0,65536}/g;
const MYSQL_P = /(\s-p)("(?:[^"\\]|\\[\s\S]){0,4096}"?|'[^']{0,4096}'?|[^\s'"]{1,4096})/g;

/** `sshpass -p SECRET`. */
const SSHPASS_COMMAND = /(?<![\w-])sshpass(?![\w-])[^;&|\n]{0,65536}/g;
const SSHPASS_P = /(\s-p[ \t]*)("(?:[^"\\]|\\[\s\S]){0,4096}"?|'[^']{0,4096}'?|[^\s'"]{1,4096})/g;

/** Tokens recognisable by their prefix alone; the prefix is kept to say what was there. */
const PREFIXED_TOKENS: readonly RegExp[] = [
  /(?<![A-Za-z0-9])((?:AKIA|ASIA))[A-Z0-9]{16}(?![A-Za-z0-9])/g, // AWS access key ids
  /(?<![\w-])(gh[pousr]_)[A-Za-z0-9]{36,}/g, // GitHub tokens
  /(?<![\w-])(github_pat_)[A-Za-z0-9_]{22,}/g, // GitHub fine-grained tokens
  /(?<![\w-])(sk-)[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic, Stripe-style API keys
  /(?<![\w-])(xox[abposr]-)[A-Za-z0-9-]{10,}/g, // Slack tokens
  /(?<![\w-])(glpat-)[A-Za-z0-9_-]{20,}/g, // GitLab tokens
  /(?<![\w-])((?:sk|rk)_(?:live|test)_)[A-Za-z0-9]{8,}/g, // Stripe secret and restricted keys
  /(?<![\w-])(whsec_)[A-Za-z0-9]{16,}/g, // Stripe webhook signing secrets
  // Webhook URLs whose path is the credential: anyone holding it can post.
  /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[\w/-]{8,1024}/g,
  /(https?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/webhooks\/)[\w/-]{8,1024}/g,
];

const PRIVATE_KEY =
  /(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;

/** Header names that carry a credential without saying so. */
const SECRET_HEADERS = new Set(['x-api-key', 'api-key', 'apikey', 'x-auth-token', 'private-token']);

/**
 * Masks common secrets in a command line with `***`: `password=…`/`TOKEN=…` assignments, `--password …`
 * and other secret-named flags, mysql's `-p…`, `sshpass -p …`, JSON members named like secrets,
 * `Authorization:`/`Cookie:`/`X-Api-Key:` headers, `user:password@` in URLs, `curl -u user:password`,
 * AWS access key ids (`AKIA…`), GitHub (`ghp_…`, `github_pat_…`), `sk-…`, Slack and GitLab tokens, and
 * PEM private keys. Best effort: it catches what people paste by habit, not a determined attempt to hide
 * a secret from it. Never throws; text without secrets comes back unchanged.
 *
 * @example
 * ```ts
 * redactSecrets('mysql -u root -phunter2 db'); // 'mysql -u root -p*** db'
 * redactSecrets('export API_TOKEN=sk-abc123; echo ok'); // 'export API_TOKEN=***; echo ok'
 * ```
 */
export function redactSecrets(text: string): string {
  if (typeof text !== 'string') return text;
  try {
    return redact(text);
  } catch {
    // A RegExp cannot throw on a string, but an audit record must never carry a secret because of a bug.
    return '[redaction failed]';
  }
}

function redact(text: string): string {
  let out = text;
  if (out.includes('PRIVATE KEY-----')) {
    out = out.replace(PRIVATE_KEY, (_m, begin: string, end: string) => `${begin}${REDACTED}${end}`);
  }
  if (out.includes('=')) {
    out = out.replace(ASSIGNMENT, (m, name: string, value: string) =>
      isSecretName(name) ? `${name}=${mask(value)}` : m,
    );
  }
  if (out.includes('-')) {
    out = out.replace(FLAG_ARGUMENT, (m, flag: string, blank: string, value: string) =>
      isSecretName(flag) && !NOT_A_SECRET_FLAG.test(flag) ? `${flag}${blank}${maskFlagValue(value)}` : m,
    );
    out = out.replace(USER_PASSWORD, (_m, head: string) => `${head}${REDACTED}`);
  }
  if (out.includes(':')) {
    out = out.replace(JSON_MEMBER, (m, quote: string, name: string, colon: string, value: string) =>
      isSecretName(name) ? `${quote}${name}${quote}${colon}${mask(value)}` : m,
    );
    out = out.replace(AUTHORIZATION, (_m, head: string, scheme: string | undefined) =>
      scheme === undefined ? `${head}${REDACTED}` : `${head}${scheme} ${REDACTED}`,
    );
    out = out.replace(COOKIE, (_m, head: string) => `${head}${REDACTED}`);
    out = out.replace(HEADER, (m, name: string, colon: string) =>
      isSecretName(name) || SECRET_HEADERS.has(name.toLowerCase()) ? `${name}${colon}${REDACTED}` : m,
    );
    out = out.replace(URL_USERINFO, (_m, head: string) => `${head}${REDACTED}@`);
  }
  if (/mysql|mariadb/.test(out)) {
    out = out.replace(MYSQL_COMMAND, (line) =>
      line.replace(MYSQL_P, (_m, flag: string, value: string) => `${flag}${mask(value)}`),
    );
  }
  if (out.includes('sshpass')) {
    out = out.replace(SSHPASS_COMMAND, (line) =>
      line.replace(SSHPASS_P, (_m, flag: string, value: string) => `${flag}${mask(value)}`),
    );
  }
  for (const pattern of PREFIXED_TOKENS)
    out = out.replace(pattern, (_m, prefix: string) => prefix + REDACTED);
  return redactCommandArguments(out);
}

/**
 * openssl's `-pass pass:SECRET` keeps its `pass:` (it says how the password was given), and its
 * `env:NAME`, `file:PATH`, `fd:N` and `stdin` are not secrets but where to find one.
 */
function maskFlagValue(value: string): string {
  if (/^['"]?(?:env|file|fd):|^['"]?stdin['"]?$/.test(value)) return value;
  const pass = /^(['"]?pass:)/.exec(value);
  return pass ? pass[1] + REDACTED : mask(value);
}

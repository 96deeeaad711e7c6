import fc from 'fast-check';
import { isSecretName, redactSecrets } from './redact-secrets';

const GHP = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`; // 36 characters after the prefix
const PAT = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz';
const SK = 'sk-proj-Abc123Def456Ghi789Jkl';

describe('redactSecrets', () => {
  it.each([
    // assignments
    ['export DB_PASSWORD=hunter2', 'export DB_PASSWORD=***'],
    ['password=hunter2 ./deploy.sh', 'password=*** ./deploy.sh'],
    ["PGPASSWORD='a b c' psql -h db", "PGPASSWORD='***' psql -h db"],
    ['export API_TOKEN=sk-abc123def456ghi789; echo ok', 'export API_TOKEN=***; echo ok'],
    [
      'curl "https://api.example.com/v1?token=abc123&page=2"',
      'curl "https://api.example.com/v1?token=***&page=2"',
    ],
    ['AWS_SECRET_ACCESS_KEY="wJalr/XUtnFEMI" aws s3 ls', 'AWS_SECRET_ACCESS_KEY="***" aws s3 ls'],
    ['deploy --token=abc123 --env=prod', 'deploy --token=*** --env=prod'],
    // flags
    ['mysqldump --password=hunter2 app', 'mysqldump --password=*** app'],
    ['mysql --password hunter2 app', 'mysql --password *** app'],
    ['mysql -u root -phunter2 app', 'mysql -u root -p*** app'],
    ["mariadb -h db -p'hun ter2' app", "mariadb -h db -p'***' app"],
    ['mysql -u root -p app', 'mysql -u root -p app'],
    ['keytool -list -storepass changeit -keystore ks.jks', 'keytool -list -storepass *** -keystore ks.jks'],
    ["sshpass -p 'hunter2' ssh deploy@host", "sshpass -p '***' ssh deploy@host"],
    ['vault login --token s.abc123', 'vault login --token ***'],
    // credentials in URLs and -u
    ['psql postgres://admin:s3cr3t@db:5432/app', 'psql postgres://admin:***@db:5432/app'],
    ['git clone https://bob:p%40ss@git.example.com/r.git', 'git clone https://bob:***@git.example.com/r.git'],
    ['redis-cli -u redis://:s3cr3t@cache:6379', 'redis-cli -u redis://:***@cache:6379'],
    ['curl -u alice:wonderland https://x.example', 'curl -u alice:*** https://x.example'],
    // headers and bodies
    [
      "curl -H 'Authorization: Bearer eyJhbGciOi.abc.def' https://x",
      "curl -H 'Authorization: Bearer ***' https://x",
    ],
    ['curl -H "authorization: Basic YWxpY2U6d29uZGVy" x', 'curl -H "authorization: Basic ***" x'],
    ["curl -H 'X-Api-Key: abc123' https://x", "curl -H 'X-Api-Key: ***' https://x"],
    ["curl -H 'Cookie: session=abc; theme=dark' https://x", "curl -H 'Cookie: ***' https://x"],
    [
      `curl -d '{"user":"a","password":"hun\\"ter2","n":1}' https://x`,
      `curl -d '{"user":"a","password":"***","n":1}' https://x`,
    ],
    // tokens recognised by their prefix
    [
      'aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE',
      'aws configure set aws_access_key_id AKIA***',
    ],
    [`git clone https://${GHP}@github.com/o/r.git`, 'git clone https://ghp_***@github.com/o/r.git'],
    [`gh auth login --with-token <<< ${PAT}`, 'gh auth login --with-token <<< github_pat_***'],
    [`llm --key ${SK} "hello"`, 'llm --key sk-*** "hello"'],
    ['slack-notify xoxb-123456789012-abcdefghijkl', 'slack-notify xoxb-***'],
    [
      "printf '-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----\\n' > id",
      "printf '-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\\n' > id",
    ],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    // registry logins
    [
      'docker login -u bob -p hunter2 registry.example.com',
      'docker login -u bob -p *** registry.example.com',
    ],
    ['docker login --password hunter2 reg.example', 'docker login --password *** reg.example'],
    ['docker login --password=hunter2 reg.example', 'docker login --password=*** reg.example'],
    ["podman login -p 'hun ter2' quay.io", "podman login -p '***' quay.io"],
    ['sudo docker login -phunter2 reg', 'sudo docker login -p*** reg'],
    // shell quoting of the value
    ["export DB_PASSWORD=$'hun\\'ter2'; echo ok", "export DB_PASSWORD=$'***'; echo ok"],
    ['SECRET_KEY=abc\\ def ./run', 'SECRET_KEY=*** ./run'],
    ['export TOKEN=ab\\\ncd; echo ok', 'export TOKEN=***; echo ok'],
    ['API_TOKEN=ab"c d"ef make', 'API_TOKEN=*** make'],
    // passwords fed to a command that reads one from stdin
    ['echo hunter2 | sudo -S apt-get update', 'echo *** | sudo -S apt-get update'],
    ["printf '%s\\n' 'hunter2' | sudo -kS ls", "printf '%s\\n' '***' | sudo -kS ls"],
    ["sudo -S -k ls <<< 'hunter2'", "sudo -S -k ls <<< '***'"],
    ["echo 'alice:hunter2' | chpasswd", "echo '***' | chpasswd"],
    ['echo hunter2 | passwd --stdin alice', 'echo *** | passwd --stdin alice'],
    [
      'echo hunter2 | docker login -u bob --password-stdin reg',
      'echo *** | docker login -u bob --password-stdin reg',
    ],
    // configuration commands that take the secret as a plain argument
    [
      'aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG',
      'aws configure set aws_secret_access_key ***',
    ],
    [
      'aws configure set aws_session_token IQoJb3JpZ2lu --profile dev',
      'aws configure set aws_session_token *** --profile dev',
    ],
    [
      'aws --profile dev configure set aws_secret_access_key abc',
      'aws --profile dev configure set aws_secret_access_key ***',
    ],
    ['git config --global user.password hunter2', 'git config --global user.password ***'],
    ['htpasswd -b /etc/nginx/.htpasswd alice hunter2', 'htpasswd -b /etc/nginx/.htpasswd alice ***'],
    ['htpasswd -nb alice hunter2', 'htpasswd -nb alice ***'],
    [
      "htpasswd -cbB .htpasswd alice 'hun ter2' && nginx -s reload",
      "htpasswd -cbB .htpasswd alice '***' && nginx -s reload",
    ],
    // openssl
    ['openssl enc -aes-256-cbc -k hunter2 -in a -out b', 'openssl enc -aes-256-cbc -k *** -in a -out b'],
    [
      'openssl pkcs12 -export -passout pass:hunter2 -out a.p12',
      'openssl pkcs12 -export -passout pass:*** -out a.p12',
    ],
    ['openssl rsa -in k.pem -passin pass:hunter2', 'openssl rsa -in k.pem -passin pass:***'],
    ['openssl enc -d -aes256 -pass pass:hunter2 -in x', 'openssl enc -d -aes256 -pass pass:*** -in x'],
    ['openssl enc -d -aes256 -pass env:PW -in x', 'openssl enc -d -aes256 -pass env:PW -in x'],
    // webhooks and keys recognised by their shape
    [
      'curl -X POST -d @m.json https://hooks.slack.com/services/T0AAAA1BB/B0CCCC2DD/abcdEFGHijklMNOPqrstUVWX',
      'curl -X POST -d @m.json https://hooks.slack.com/services/***',
    ],
    [
      'curl https://discord.com/api/webhooks/123456789012345678/abcDEF-ghiJKL_mno',
      'curl https://discord.com/api/webhooks/***',
    ],
    ['stripe charges list --api-key sk_live_51H8abcdEFGHijklMNOPqrst', 'stripe charges list --api-key ***'],
    [
      'curl -u sk_live_51H8abcdEFGHijklMNOPqrst: https://api.stripe.com',
      'curl -u sk_live_***: https://api.stripe.com',
    ],
    ['echo rk_live_51H8abcdEFGHijklMNOPqrst', 'echo rk_live_***'],
    ['echo sk_test_51H8abcdEFGHijklMNOPqrst whsec_abcdEFGHijklMNOPqrst12', 'echo sk_test_*** whsec_***'],
  ])('%s (missed before)', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    // ordinary commands that look a little like the secrets above
    'docker run -p 8080:80 -e MODE=dev nginx',
    'docker login registry.example.com && docker push reg/app',
    'echo hello | sudo tee /etc/motd',
    'sudo -S true',
    'aws configure set region eu-west-1',
    'aws configure get aws_secret_access_key',
    'git config --global user.name "Ada Lovelace"',
    'git config credential.helper store',
    'htpasswd -c /etc/nginx/.htpasswd alice',
    'openssl req -new -key k.pem -out r.csr -subj /CN=example',
    'openssl s_client -connect host:443 -servername host',
    'du -k /tmp && sort -k 2 file',
    'curl https://hooks.example.com/services/status',
    "echo $'line1\\nline2'",
    'cat big.log \\\n  | grep error',
    'skip_live_tests=1 make && echo sk_live',
    'ssh -p 2222 -i ~/.ssh/id_ed25519 deploy@host',
    'tar -czf backup.tgz /srv && rsync -av a/ b/',
    'ls -la /tmp',
    'cd "$(pwd)" && echo $PWD',
    'export PWD=/tmp OLDPWD=/home',
    'mkdir -p /a/b && ssh -p 2222 host && docker run -p8080:80 nginx',
    'git commit -m "fix: token parsing" && git log --author=bob',
    'grep -r password src/ | wc -l',
    'pip install sk-video && npm i bypass=1',
    'echo http://example.com:8080/path?page=2',
    'env BYPASS_CACHE=1 make',
    'mysql -h db -P 3306 --protocol=tcp app',
    'python -c "print({\'a\': 1})"',
  ])('leaves %j alone', (input) => {
    expect(redactSecrets(input)).toBe(input);
  });

  it('never throws and always answers a string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        expect(typeof redactSecrets(s)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  // Characters that cannot start or shape a secret: no '=', ':', '-', '_', '@', quotes or capitals.
  const plain = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 ./,'),
    maxLength: 60,
  });

  it('leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(plain, (s) => {
        expect(redactSecrets(s)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('masks a secret and keeps the text around it byte for byte', () => {
    const alnum = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      minLength: 40,
      maxLength: 60,
    });
    const upper = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
      minLength: 16,
      maxLength: 16,
    });
    const secret = fc.oneof(
      alnum.map((v) => ({ text: `ghp_${v}`, value: v })),
      alnum.map((v) => ({ text: `sk-${v}`, value: v })),
      upper.map((v) => ({ text: `AKIA${v}`, value: v })),
      alnum.map((v) => ({ text: `password=${v}`, value: v })),
      alnum.map((v) => ({ text: `--api-key ${v}`, value: v })),
      alnum.map((v) => ({ text: `https://user:${v}@example.com`, value: v })),
    );
    fc.assert(
      fc.property(plain, secret, plain, (before, { text, value }, after) => {
        const out = redactSecrets(`${before} ${text} ${after}`);
        expect(out.startsWith(`${before} `)).toBe(true);
        expect(out.endsWith(` ${after}`)).toBe(true);
        expect(out).not.toContain(value);
        expect(out).toContain('***');
        expect(out.length).toBeLessThan(before.length + text.length + after.length + 2);
      }),
      { numRuns: 1000 },
    );
  });

  it('handles pathological 1 MiB commands (no catastrophic backtracking)', () => {
    // No timing assertion: a polynomial pattern would take minutes here and trip Jest's timeout.
    const inputs = [
      'a'.repeat(1 << 20),
      'a='.repeat(1 << 19),
      'password="'.repeat(100_000),
      '-a '.repeat(300_000),
      'x:'.repeat(1 << 19),
      `mysql ${'-p'.repeat(1 << 19)}`,
      `https://${'a:'.repeat(1 << 19)}`,
      `-----BEGIN PRIVATE KEY-----${' '.repeat(1 << 20)}`,
      `--password${' '.repeat(1 << 20)}`,
      'echo x | sudo -S '.repeat(60_000),
      `sudo -S ${'<<< x '.repeat(170_000)}`,
      'htpasswd -b '.repeat(85_000),
      'docker login -p '.repeat(65_000),
      "PASSWORD=$'".repeat(100_000),
      `TOKEN=${'\\'.repeat(1 << 20)}`,
      `aws configure set secret ${'x'.repeat(1 << 20)}`,
    ];
    for (const input of inputs) expect(typeof redactSecrets(input)).toBe('string');
  });
});

describe('isSecretName', () => {
  it.each([
    'password',
    'DB_PASSWORD',
    '--password',
    'passwd',
    'GITHUB_TOKEN',
    'apiKey',
    '--api-key',
    'API_KEY',
    'client_secret',
    'clientSecret',
    '-storepass',
    'keypass',
    'pass',
    '-passin',
    'AWS_SECRET_ACCESS_KEY',
    'credentials',
    'passphrase',
  ])('%s names a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['PWD', 'OLDPWD', 'bypass', 'compass', 'user', 'key', '-p', 'host', 'author', 'path'])(
    '%s does not',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

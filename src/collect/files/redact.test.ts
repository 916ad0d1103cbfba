import { redactSecrets } from './redact';

const PATH = '/etc/pypi/config.ini';
const MARK = /<redacted sha256:[0-9a-f]{12}…>/;

function redact(text: string, path = PATH): string {
  return redactSecrets(text, path).text;
}

describe('redactSecrets', () => {
  it('replaces the value of secret assignments, keeping every line where it was', () => {
    const text = [
      '[database]',
      'user = pypi',
      'password = CHANGE-ME',
      'host = db.python.org',
      'key_dir = /srv/pypi/keys',
      '',
    ].join('\n');
    const result = redactSecrets(text, PATH);
    expect(result.redacted).toBe(true);
    const lines = result.text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^password = <redacted sha256:[0-9a-f]{12}…>$/);
    expect(result.text).not.toContain('CHANGE-ME');
    expect([lines[0], lines[1], lines[3], lines[4]]).toEqual([
      '[database]',
      'user = pypi',
      'host = db.python.org',
      'key_dir = /srv/pypi/keys',
    ]);
  });

  it.each([
    ['INI', 'password = hunter2', 'hunter2'],
    ['shell', 'export DB_PASSWORD="hunter2"', 'hunter2'],
    ['env', 'API_KEY=abc123def', 'abc123def'],
    ['YAML', '  client_secret: s3cr3t-value', 's3cr3t-value'],
    ['JSON', '  "accessToken": "eyJhbGciOi",', 'eyJhbGciOi'],
    ['DRBD', '\t\tshared-secret "FooFunFactory";', 'FooFunFactory'],
    ['keepalived', '        auth_pass 1234', '1234'],
    ['one word', 'dbpassword=hunter2', 'hunter2'],
    ['commented out', '# password = hunter2', 'hunter2'],
    ['INI comment', ';password=hunter2', 'hunter2'],
    ['mount options', '//srv/share /mnt/smb cifs username=pypi,password=hunter2,vers=3.0 0 0', 'hunter2'],
    ['URL', 'database_url = postgres://pypi:hunter2@db.python.org/pypi', 'hunter2'],
  ])('%s: %s', (_kind, line, secret) => {
    const out = redact(line);
    expect(out).toMatch(MARK);
    expect(out).not.toContain(secret);
  });

  it('keeps the syntax around the value: quotes, semicolons, commas', () => {
    expect(redact('\t\tshared-secret "FooFunFactory";')).toMatch(/^\t\tshared-secret "<redacted[^"]*>";$/);
    expect(redact('  "token": "abc",')).toMatch(/^ {2}"token": "<redacted[^"]*>",$/);
    expect(redact('cifs username=pypi,password=x,vers=3.0')).toMatch(
      /^cifs username=pypi,password=<redacted[^,]*>,vers=3\.0$/,
    );
  });

  it.each([
    'PasswordAuthentication yes',
    '#KerberosOrLocalPasswd yes',
    '#KerberosGetAFSToken no',
    '#GSSAPICleanupCredentials yes',
    'PubkeyAuthentication yes',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'secret_file = /etc/pypi/secret',
    'key_file: /etc/ssl/private/pypi.key',
    'password_min_length = 8',
    'token: 3000',
    'kernel.keys.maxkeys = 200',
    '# Password Authentication is off',
    'Password is stored in the vault, not here',
    'password =',
    'monkey = banana',
    'url = https://pypi.python.org/pypi',
    '10.0.0.11 pypi-1 token-server',
  ])('leaves alone: %s', (line) => {
    expect(redactSecrets(line, PATH)).toEqual({ text: line, redacted: false });
  });

  it('replaces every line of a private key block, keeping its frame and its length', () => {
    const text = [
      'cert: /etc/ssl/pypi.pem',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACBZ0cXk5W6oQJ3vC1kq5kH4Q8bX8W2x3rP5r4Y3c5f5YQAAAJhN3wdTTd8H',
      '-----END OPENSSH PRIVATE KEY-----',
      '-----BEGIN PUBLIC KEY-----',
      'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=',
      '-----END PUBLIC KEY-----',
    ].join('\n');
    const lines = redact(text).split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(lines[2]).toMatch(MARK);
    expect(lines[3]).toMatch(MARK);
    expect(lines[4]).toBe('-----END OPENSSH PRIVATE KEY-----');
    // A public key is no secret.
    expect(lines[6]).toBe('MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=');
  });

  it('gives the same secret the same marker at the same path, and another secret another one', () => {
    const a = redact('password = one');
    expect(redact('password = one')).toBe(a);
    expect(redact('password = two')).not.toBe(a);
    // The same password in another file: another marker (reuse is not made visible).
    expect(redact('password = one', '/etc/other.ini')).not.toBe(a);
  });

  it.each([
    ['digits before it', 'x 1pg://u:pw@h', /^x 1pg:\/\/u:<redacted[^>]*>@h$/],
    ['inside a word', 'x_pg+ssl.v2://u:pw@h', /^x_pg\+ssl\.v2:\/\/u:<redacted[^>]*>@h$/],
    ['two URLs', 'a://u:p@h b://v:q@i', /^a:\/\/u:<redacted[^>]*>@h b:\/\/v:<redacted[^>]*>@i$/],
  ])('finds the URL password with the same scheme as before: %s', (_what, line, expected) => {
    expect(redact(line)).toMatch(expected);
  });

  it('reads pathological lines at once (the old regexes took hours and minutes)', () => {
    // A run of blanks inside a value: cubic backtracking in the assignment regex.
    expect(redact(`password = x${' '.repeat(60_000)}!`)).toMatch(/^password = <redacted[^>]*>$/);
    // A long run of scheme characters: every start of it tried as a URL scheme.
    const word = 'a'.repeat(400_000);
    expect(redactSecrets(word, PATH)).toEqual({ text: word, redacted: false });
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    const once = redact('password = hunter2\nurl = postgres://u:pw@h/db\n');
    expect(redactSecrets(once, PATH)).toEqual({ text: once, redacted: false });
  });
});

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { LocalSecretStore } from '../lib/adapters/local/LocalSecretStore.js';
import type { HashedToken } from '../lib/auth/HashedToken.js';
import { hashToken } from '../lib/auth/hashToken.js';
import { parseTokenSecret } from '../lib/auth/parseTokenSecret.js';
import { optionalEnv } from '../lib/config/readEnv.js';
import type { SecretDescription } from '../lib/ports/SecretStore.js';
import { VERSION_STAGES } from '../lib/secrets/isVersionStage.js';
import { MAX_SECRET_BYTES } from '../lib/secrets/normalisePutOptions.js';
import { TOKEN_SECRETS, type TokenRole } from './resolveLocalTokens.js';
import { AuditCommandError, runAuditCommand } from './runAuditCommand.js';
import { ConvergeCommandError, runConvergeCommand } from './runConvergeCommand.js';

// `npm run perimeter -- <command>`: operator tasks that need no running server.
const USAGE = `Usage: npm run perimeter -- <command>

Commands:
  token new --label <name> [--admin | --auditor] [--local] [--not-after <ISO time>]
      Generates a bearer token for an IdP (e.g. --label okta), or with --admin for the admin API, or
      with --auditor a read-only token for the audit API and console, and prints it once. With --local it is added to the local secret store; otherwise the entry to
      add to the token secret in AWS Secrets Manager ({"tokens":[...]}) is printed. Only its SHA-256
      is ever stored.
  token list [--admin | --auditor]
      Lists the local tokens: labels and end of validity, never hashes.
  token retire --label <name> [--admin | --auditor] [--at <ISO time>]
      Ends a local token's validity now or at --at (the overlap window of a rotation).

  secrets put <name> (--from-file <path> | --from-stdin)
      Stores a new value of a secret (a connector credential, a webhook signing secret) in the local
      secret store as its AWSCURRENT version; the value it replaces becomes AWSPREVIOUS. The value is
      read from the file or from a pipe, never from the command line, where shell history and ps
      would keep it. One trailing newline is dropped. The value is never printed.
  secrets list
      Lists the local secrets with their stages and dates, never their values.
  audit events [--person <id> | --app <id> [--entitlement <e>]] [--from <time>] [--to <time>]
      Events as JSON Lines, all pages (time range when no person or app is given).
  audit access (--person <id> | --app <id>) [--as-of <time>]
      Access now, or as it was at a time, reconstructed from the ledger.
  audit export --format jsonl|csv|ocsf [--person <id> | --app <id>] [--from] [--to] > file
  audit verify           Re-hashes every chain; exit status 3 and the first broken link if any.
  audit matrix           People by apps, as they are now.
      Against a running Perimeter: --url (default http://127.0.0.1:$PORT) and PERIMETER_AUDIT_TOKEN
      (an auditor or admin token; never on the command line).

  converge [--app <id>] [--apply] [--url <base>]
      Compares everyone in the directory with policy (for people who were there before an app or a
      rule was added) and prints what converging would plan, per app and action, with the first
      people named. Nothing is written unless --apply, which plans and queues the steps. Against a
      running Perimeter: --url as above and PERIMETER_ADMIN_TOKEN (never on the command line); a run
      that outlasts the request is followed as a job until it finishes.

  secrets describe <name>
      Shows one secret's versions, stages and dates as JSON, never its value.

  The local secret store lives in $PERIMETER_DATA_DIR (default ./.perimeter), encrypted at rest with
  the key in secrets.key there.
`;

/** An operator mistake: the message is shown with exit status 2. */
class UsageError extends Error {
  public override readonly name = 'UsageError';
}

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === 'audit') return runAuditCommand([command ?? '', ...rest], process.env, (chunk) => process.stdout.write(chunk));
  if (group === 'converge') return runConvergeCommand(argv.slice(1), process.env, (chunk) => process.stdout.write(chunk));
  if (group === 'token' && command === 'new') return tokenNew(rest);
  if (group === 'token' && command === 'list') return tokenList(rest);
  if (group === 'token' && command === 'retire') return tokenRetire(rest);
  if (group === 'secrets' && command === 'put') return secretsPut(rest);
  if (group === 'secrets' && command === 'list') return secretsList(rest);
  if (group === 'secrets' && command === 'describe') return secretsDescribe(rest);
  process.stderr.write(USAGE);
  return group === undefined || group === 'help' || group === '--help' ? 0 : 2;
}

async function tokenNew(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { label: { type: 'string' }, 'not-after': { type: 'string' }, admin: { type: 'boolean' }, auditor: { type: 'boolean' }, local: { type: 'boolean' } },
    strict: true,
  });
  if (!values.label || !/^[\w.-]{1,64}$/.test(values.label)) {
    process.stderr.write('token new needs --label <name> (letters, digits, . _ -)\n');
    return 2;
  }
  const notAfter = values['not-after'];
  if (notAfter !== undefined && Number.isNaN(Date.parse(notAfter))) {
    process.stderr.write('--not-after must be an ISO 8601 time\n');
    return 2;
  }
  const role = roleOf(values);
  const token = `prm_${role}_${randomBytes(24).toString('base64url')}`;
  const entry = { label: values.label, sha256: hashToken(token), ...(notAfter ? { notAfter } : {}) };
  if (values.local) {
    const { store, secretName, tokens } = await localTokens(role);
    if (tokens.some((existing) => existing.label === values.label)) throw new UsageError(`A ${role} token labelled "${values.label}" exists; retire it or choose another label`);
    await store.putSecretValue(secretName, JSON.stringify({ tokens: [...tokens, entry] }));
    process.stdout.write(`Token (shown once; only its hash is stored, in ${secretName}): ${token}\n`);
    return 0;
  }
  process.stdout.write(`Token (give it to the IdP; it is not stored anywhere): ${token}\n`);
  process.stdout.write(`Secret entry: ${JSON.stringify(entry)}\n`);
  return 0;
}

async function tokenList(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { admin: { type: 'boolean' }, auditor: { type: 'boolean' } }, strict: true });
  const { tokens } = await localTokens(roleOf(values));
  for (const token of tokens) process.stdout.write(`${token.label}\t${token.notAfter ? `valid until ${token.notAfter}` : 'valid'}\n`);
  return 0;
}

async function tokenRetire(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { label: { type: 'string' }, admin: { type: 'boolean' }, auditor: { type: 'boolean' }, at: { type: 'string' } }, strict: true });
  const at = values.at ?? new Date().toISOString();
  if (!values.label) throw new UsageError('token retire needs --label <name>');
  if (Number.isNaN(Date.parse(at))) throw new UsageError('--at must be an ISO 8601 time');
  const role = roleOf(values);
  const { store, secretName, tokens } = await localTokens(role);
  if (!tokens.some((token) => token.label === values.label)) throw new UsageError(`No ${role} token is labelled "${values.label}"`);
  const next = tokens.map((token) => (token.label === values.label ? { ...token, notAfter: new Date(at).toISOString() } : token));
  await store.putSecretValue(secretName, JSON.stringify({ tokens: next }));
  process.stdout.write(`${values.label}: valid until ${new Date(at).toISOString()}\n`);
  return 0;
}

function roleOf(values: { admin?: boolean | undefined; auditor?: boolean | undefined }): TokenRole {
  if (values.admin && values.auditor) throw new UsageError('--admin and --auditor are exclusive');
  return values.admin ? 'admin' : values.auditor ? 'auditor' : 'scim';
}

async function localTokens(role: TokenRole): Promise<{ store: LocalSecretStore; secretName: string; tokens: HashedToken[] }> {
  const store = await openStore();
  const secretName = TOKEN_SECRETS[role];
  const current = await store.getSecretValue(secretName);
  return { store, secretName, tokens: current ? parseTokenSecret(current.value) : [] };
}

async function secretsPut(args: string[]): Promise<number> {
  const { values, positionals } = parseSecretsArgs('secrets put', args, {
    'from-file': { type: 'string' },
    'from-stdin': { type: 'boolean' },
  });
  // A second positional is most likely the value itself, typed on the command line: say why that
  // is refused, and do not echo it.
  if (positionals.length !== 1) {
    throw new UsageError('secrets put takes one secret name; the value comes from --from-file <path> or --from-stdin, never from the command line');
  }
  const fromFile = typeof values['from-file'] === 'string' ? values['from-file'] : undefined;
  const fromStdin = values['from-stdin'] === true;
  if ((fromFile === undefined) === !fromStdin) throw new UsageError('secrets put needs exactly one of --from-file <path> or --from-stdin');
  if (fromStdin && process.stdin.isTTY) {
    throw new UsageError('--from-stdin reads a pipe or a redirected file (typing a secret at a terminal would show it on screen)');
  }

  const value = decodeValue(await readLimited(fromFile === undefined ? process.stdin : createReadStream(fromFile)));
  const store = await openStore();
  const version = await store.putSecretValue(positionals[0] ?? '', value);
  process.stdout.write(`Stored secret "${positionals[0]}" as version ${version.versionId} (${version.stages.join(', ')}); the value is not shown.\n`);
  return 0;
}

async function secretsList(args: string[]): Promise<number> {
  const { positionals } = parseSecretsArgs('secrets list', args, {});
  if (positionals.length > 0) throw new UsageError('secrets list takes no arguments');
  const secrets = await (await openStore()).listSecrets();
  if (secrets.length === 0) process.stdout.write('No secrets yet; add one with: npm run perimeter -- secrets put <name> --from-stdin\n');
  for (const secret of secrets) process.stdout.write(`${secret.name}\t${stageSummary(secret)}\tchanged ${secret.lastChangedAt}\n`);
  return 0;
}

async function secretsDescribe(args: string[]): Promise<number> {
  const { positionals } = parseSecretsArgs('secrets describe', args, {});
  if (positionals.length !== 1) throw new UsageError('secrets describe takes one secret name');
  const description = await (await openStore()).describeSecret(positionals[0] ?? '');
  if (!description) {
    process.stderr.write(`Secret "${positionals[0]}" does not exist\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(description, null, 2)}\n`);
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

function parseSecretsArgs(command: string, args: string[], options: OptionSpec): ParsedArgs {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs quotes the offending argument, which may be a value typed by mistake.
    throw new UsageError(`${command}: unknown option or missing option value; see npm run perimeter -- help`, { cause: error });
  }
}

async function openStore(): Promise<LocalSecretStore> {
  return LocalSecretStore.open({ dataDir: optionalEnv('PERIMETER_DATA_DIR') ?? './.perimeter' });
}

/** Reads a whole stream, refusing more than a secret may hold (so /dev/zero cannot exhaust memory). */
async function readLimited(stream: Readable): Promise<Buffer> {
  // Room for the trailing newline that decodeValue drops.
  const limit = MAX_SECRET_BYTES + 2;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > limit) {
        stream.destroy();
        throw new UsageError(`A secret value is at most ${MAX_SECRET_BYTES} bytes`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Only the error code: the path may itself be a mistyped value.
    throw new UsageError(`Cannot read the secret value (${(error as NodeJS.ErrnoException).code ?? 'read error'})`, { cause: error });
  }
  return Buffer.concat(chunks);
}

function decodeValue(bytes: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new UsageError('A secret value must be UTF-8 text', { cause: error });
  }
  // `echo value |` and editors add a newline the credential does not have.
  return text.replace(/\r?\n$/, '');
}

function stageSummary(secret: SecretDescription): string {
  const entries = Object.entries(secret.versions);
  return VERSION_STAGES.filter((stage) => entries.some(([, stages]) => stages.includes(stage))).join(',') || 'no staged versions';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Store errors never carry a value (SecretStoreError's contract), and usage errors are written
    // not to; so the message is safe to show, but nothing more (a cause may quote an argument).
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = error instanceof UsageError || error instanceof AuditCommandError || error instanceof ConvergeCommandError ? 2 : 1;
  },
);

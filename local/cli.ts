import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashToken } from '../lib/auth/hashToken.js';

// `npm run perimeter -- <command>`: operator tasks that need no running server.
const USAGE = `Usage: npm run perimeter -- <command>

Commands:
  token new --label <name> [--not-after <ISO time>]
      Generates a bearer token for an IdP (e.g. --label okta) and prints it once, with the entry to
      add to the SCIM token secret in AWS Secrets Manager ({"tokens":[...]}): only its SHA-256 is stored.
`;

function main(argv: string[]): number {
  const [group, command, ...rest] = argv;
  if (group === 'token' && command === 'new') {
    const { values } = parseArgs({
      args: rest,
      options: { label: { type: 'string' }, 'not-after': { type: 'string' } },
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
    const token = `prm_scim_${randomBytes(24).toString('base64url')}`;
    const entry = { label: values.label, sha256: hashToken(token), ...(notAfter ? { notAfter } : {}) };
    process.stdout.write(`Token (give it to the IdP; it is not stored anywhere): ${token}\n`);
    process.stdout.write(`Secret entry: ${JSON.stringify(entry)}\n`);
    return 0;
  }
  process.stderr.write(USAGE);
  return group === undefined || group === 'help' || group === '--help' ? 0 : 2;
}

process.exitCode = main(process.argv.slice(2));

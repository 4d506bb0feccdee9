import * as z from 'zod';
import type { Credential } from '../connector-sdk/Credential.js';

/** A value sent in an HTTP header or form: no whitespace or control characters (header injection). */
const secretText = z.string().regex(/^[^\s\p{Cc}]+$/u, 'must be non-empty, without whitespace or control characters');
const text = z.string().min(1, 'must not be empty');
/** GUIDs (Entra's client id, object id and keyId), also so they go into URL paths unescaped. */
const guid = z.guid('must be a GUID');
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
/**
 * Tokens and secrets go to these URLs, so they must be https; plain http only to this machine
 * (local mode and tests).
 */
const endpoint = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}, 'must be https (http only for localhost)');

const schema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('bearer'), token: secretText, issuedAt: isoTime.optional() }),
    z.strictObject({
      type: z.literal('oauth2-refresh'),
      tokenUrl: endpoint,
      clientId: text,
      clientSecret: secretText.optional(),
      refreshToken: secretText,
      scope: text.optional(),
      accessToken: secretText.optional(),
      expiresAt: isoTime.optional(),
      issuedAt: isoTime.optional(),
    }),
    z.strictObject({
      type: z.literal('entra-client-secret'),
      // A GUID or a verified domain such as contoso.onmicrosoft.com; it goes into the token URL's path.
      tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'must be a GUID or a domain name'),
      clientId: guid,
      applicationObjectId: guid,
      clientSecret: secretText,
      secretKeyId: guid,
      tokenUrl: endpoint.optional(),
      graphBaseUrl: endpoint.optional(),
      scope: text.optional(),
      accessToken: secretText.optional(),
      expiresAt: isoTime.optional(),
      issuedAt: isoTime.optional(),
    }),
  ],
  { error: () => `must be one of ${TYPES}` },
);

const TYPES = '"bearer", "oauth2-refresh", "entra-client-secret"';

// Compile-time guard: a field added to Credential without a rule here (or the reverse) fails tsc.
type Parsed = z.infer<typeof schema>;
const sameShape: [Parsed] extends [Credential] ? ([Credential] extends [Parsed] ? true : false) : false = true;
void sameShape;

/**
 * A connector credential as stored in the secret store: a bare token (anything not starting with
 * "{", '"' or "[") is a static bearer token; otherwise JSON of one of the Credential shapes. Errors say which
 * field is wrong and why, never what it holds: the value is a secret.
 */
export function parseCredential(value: string): Credential {
  const trimmed = value.trim();
  // A JSON string or array is a mistake, not a token that happens to start with a quote or bracket.
  if (trimmed.startsWith('"') || trimmed.startsWith('[')) throw new Error('Credential is JSON but not an object');
  if (!trimmed.startsWith('{')) {
    if (!secretText.safeParse(trimmed).success) throw new Error('Credential is empty or contains whitespace or control characters');
    return { type: 'bearer', token: trimmed };
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    // No cause: SyntaxError messages quote the text around the error, i.e. part of the secret.
    throw new Error('Credential starts with "{" but is not valid JSON');
  }
  const result = schema.safeParse(json, { reportInput: false });
  if (result.success) return result.data;
  throw new Error(`Credential is not a valid credential: ${result.error.issues.map(describe).join('; ')}`);
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? 'credential' : issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    // Key names are shown so a typo ("refresh_token") is found, unless one looks like a pasted value.
    const named = issue.keys.filter((key) => /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(key));
    const others = issue.keys.length - named.length;
    const list = [...named.map((key) => `"${key}"`), ...(others > 0 ? [`${others} other key${others > 1 ? 's' : ''}`] : [])];
    return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${list.join(', ')}`;
  }
  // The remaining messages are this file's own or zod's, which name the rule and the input's type
  // ("expected string, received number"), never the input.
  return `${path}: ${issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message}`;
}

import { checkTimestampTolerance } from './checkTimestampTolerance.js';
import { decodeSignature } from './decodeSignature.js';
import { digestsEqual } from './digestsEqual.js';
import type { VerifiedDelivery, WebhookRequest } from '../domain/HrEvent.js';
import { hmacDigest } from './hmacDigest.js';
import { parseUnixSeconds } from './parseUnixSeconds.js';
import { requireHeader } from './requireHeader.js';
import { WebhookSignatureError } from './WebhookSignatureError.js';

const SECRET_PREFIX = 'whsec_';
const SHA256_BYTES = 32;
/** The spec's symmetric (HMAC-SHA256) signature identifier; v1a (ed25519) and others are skipped. */
const SYMMETRIC_VERSION = 'v1';
/**
 * The longest webhook-id accepted. The id keys the delivery log (replay protection) and the ledger
 * records of the delivery, so it must fit a storage key whatever its characters; real ids (Svix's
 * `msg_<ksuid>`, a Workday WID) are a few dozen characters.
 */
const MAX_ID_LENGTH = 256;

/**
 * Verifies a delivery signed per the Standard Webhooks specification (standardwebhooks.com, v1.0.0):
 * `webhook-signature` holds one or more space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the base64 secret after its `whsec_`
 * prefix. Several entries are how a sender rotates its secret, so any one match is enough. The
 * timestamp (Unix seconds) is checked before the signature, so a replayed delivery fails even if
 * its signature is genuine.
 */
/** The header that carries the signatures. */
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';

export function verifyStandardWebhook(request: WebhookRequest, secret: string, now: Date, toleranceMs: number): VerifiedDelivery {
  const id = requireHeader(request, 'webhook-id');
  if (id.length > MAX_ID_LENGTH) throw new WebhookSignatureError(`webhook-id is longer than ${MAX_ID_LENGTH} characters`);
  const timestampText = requireHeader(request, 'webhook-timestamp');
  const signatures = requireHeader(request, STANDARD_SIGNATURE_HEADER);

  const timestamp = parseUnixSeconds(timestampText);
  if (timestamp === undefined) throw new WebhookSignatureError('webhook-timestamp is not a Unix time in seconds');
  checkTimestampTolerance(timestamp, now, toleranceMs);

  const key = decodeSecret(secret);
  const expected = hmacDigest('sha256', key, `${id}.${timestampText}.${request.rawBody}`);

  let candidates = 0;
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SYMMETRIC_VERSION) continue;
    const presented = decodeSignature(entry.slice(comma + 1), 'base64', SHA256_BYTES);
    if (presented === undefined) continue;
    candidates += 1;
    // Every candidate is compared, even after a match, so timing does not reveal which one matched.
    if (digestsEqual(expected, presented)) matched = true;
  }
  if (candidates === 0) throw new WebhookSignatureError('webhook-signature has no well-formed v1 signature');
  if (!matched) throw new WebhookSignatureError('webhook-signature does not match the body');
  return { messageId: id, timestamp };
}

/** The HMAC key: the bytes the base64 after `whsec_` encodes (the prefix is optional, as in the reference libraries). */
function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  // A misconfigured secret must not turn into an empty or guessable key; nothing can be verified.
  if (key.length === 0) throw new WebhookSignatureError('the configured secret is not a Standard Webhooks whsec_ key');
  return key;
}

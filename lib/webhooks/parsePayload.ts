import type { z } from 'zod';
import { WebhookPayloadError } from './WebhookPayloadError.js';

/**
 * Validates a verified body against a vendor's documented shape. The error names the vendor and
 * each bad field by path, with zod's description of what was expected; it never echoes a value,
 * because payloads carry personal data that must not end up in logs or HTTP responses.
 */
export function parsePayload<Schema extends z.ZodType>(vendor: string, schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length === 0 ? '(body)' : issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
    return `${path}: ${issue.message}`;
  });
  throw new WebhookPayloadError(`${vendor} payload is not the documented shape: ${problems.join('; ')}`, { cause: result.error });
}

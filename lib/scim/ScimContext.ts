import type { EventSource } from '../domain/LifecycleEvent.js';

/** Per-request facts the SCIM services need: where they are served and who is calling. */
export interface ScimContext {
  /** e.g. https://perimeter.example.com/scim/v2 — used for meta.location and $ref. */
  readonly baseUrl: string;
  /** The label of the bearer token that authenticated the request (never the token). */
  readonly actor: string;
  readonly requestId?: string;
  /** The request line as the audit trail shows it, e.g. "PATCH /Users/2819c223". */
  readonly operation?: string;
  /** Where the change came from; SCIM unless an HR webhook drives the directory. */
  readonly channel?: EventSource['channel'];
}

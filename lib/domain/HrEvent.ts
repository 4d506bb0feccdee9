export const HR_SOURCES = ['bamboohr', 'hibob', 'personio', 'rippling', 'workday', 'standard'] as const;
export type HrSource = (typeof HR_SOURCES)[number];

export type HrEventKind = 'hire' | 'update' | 'terminate' | 'rehire';

/** Person attributes as HR systems know them, normalised to one vocabulary. */
export interface HrPersonAttributes {
  readonly workEmail: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly displayName: string;
  readonly title: string;
  readonly department: string;
  readonly division: string;
  readonly location: string;
  /** e.g. "Full-Time", "Contractor", "Intern" as the HR system spells it. */
  readonly employmentType: string;
  readonly employeeNumber: string;
  readonly managerEmployeeId: string;
  readonly managerEmail: string;
  /** IANA time zone of the person's work location (a date-only effective date ends in it). */
  readonly timezone: string;
  /** ISO date (YYYY-MM-DD) the person starts or started. */
  readonly startDate: string;
}

/**
 * One joiner / mover / leaver fact from an HR system, normalised from the vendor's payload. The
 * webhook endpoint turns it into a directory change (and so into a LifecycleEvent), or schedules it
 * when it takes effect in the future.
 */
export interface HrEvent {
  readonly source: HrSource;
  /** The vendor's delivery or event id: replay protection and idempotency key. */
  readonly messageId: string;
  readonly kind: HrEventKind;
  /** The HR system's own id for the employee. */
  readonly employeeId: string;
  /** When the change takes effect (ISO 8601); absent means now. Future terminations are scheduled. */
  readonly effectiveAt?: string;
  /** When the vendor says the change happened (ISO 8601), if it says. */
  readonly occurredAt?: string;
  /** What the payload carried; absent attributes are unknown, not cleared. */
  readonly attributes: Partial<HrPersonAttributes>;
}

/** The authenticated facts of one delivery, from its signature headers. */
export interface VerifiedDelivery {
  /** Unique per delivery (Standard Webhooks webhook-id, or a vendor id, or the body's SHA-256). */
  readonly messageId: string;
  /** When the sender signed it, if the scheme carries a timestamp (checked against a 5-minute window). */
  readonly timestamp?: Date;
}

export interface WebhookRequest {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes received, as UTF-8 text: signatures are computed over these, never re-serialised JSON. */
  readonly rawBody: string;
}

/**
 * One HR vendor's webhook scheme: how its deliveries are signed and what its payloads mean. Pure
 * functions, no I/O: the endpoint supplies the secret, checks time and replays, and persists.
 */
export interface HrWebhookSource {
  readonly source: HrSource;
  /**
   * The header (signature or token) without which no delivery verifies, so a delivery lacking it
   * can be refused before its body is read.
   */
  readonly credentialHeader: string;
  /**
   * Checks the signature over the raw body in constant time. Throws WebhookSignatureError when the
   * signature is missing, malformed or wrong, or the timestamp is outside `toleranceMs` of `now`.
   */
  verify(request: WebhookRequest, secret: string, now: Date, toleranceMs: number): VerifiedDelivery;
  /**
   * The HR events in a verified payload (a delivery may batch several, or carry none Perimeter acts
   * on). Throws WebhookPayloadError for a payload that is not the vendor's documented shape.
   */
  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[];
}

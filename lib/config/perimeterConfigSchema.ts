import * as z from 'zod';
import { type AttributeAuthority, DEFAULT_AUTHORITY, PERSON_ATTRIBUTES } from '../domain/PersonAttribute.js';
import { HR_SOURCES } from '../domain/HrEvent.js';
import { CORRELATION_RULES, DEFAULT_CORRELATION } from '../domain/CorrelationRule.js';

/** A reference to a secret by name; values never appear in the config file. */
export const secretReference = z.object({ secret: z.string().min(1).max(256) }).strict();

const connectorId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (at most 63)');

export const connectorConfigSchema = z
  .object({
    id: connectorId,
    type: z.string().min(1),
    settings: z.record(z.string(), z.unknown()).default({}),
    credential: secretReference.optional(),
    /** Steps in flight to this app at once (per worker process). */
    concurrency: z.number().int().min(1).max(100).default(4),
    /** Calls per second to this app (per worker process); unlimited when absent. */
    ratePerSecond: z.number().positive().max(10_000).optional(),
    /** Attempts before a step goes to the dead-letter list. */
    maxAttempts: z.number().int().min(1).max(50).default(8),
    /** Rotate the credential this often (Secrets Manager rotation schedule in AWS; the local tick locally). */
    rotation: z
      .object({
        // Secrets Manager's rate() takes 4-23 hours, or whole days.
        intervalHours: z
          .number()
          .int()
          .min(4)
          .max(8760)
          .refine((hours) => hours < 24 || hours % 24 === 0, 'must be 4 to 23 hours, or a whole number of days (24, 48, ...)'),
      })
      .strict()
      .optional(),
    /**
     * How an imported app account is matched to a person, tried in order; the first rule that
     * finds a match decides. Compared in canonical form (README "Identifiers").
     */
    correlation: z
      .array(z.enum(CORRELATION_RULES))
      .min(1)
      .refine((rules) => new Set(rules).size === rules.length, 'must not name a rule twice')
      .default([...DEFAULT_CORRELATION]),
  })
  .strict();

/** A string, or any of a list (case-insensitive), or a negated list, or a regular expression. */
const matcherSchema = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z.object({ anyOf: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ noneOf: z.array(z.string().min(1)).min(1) }).strict(),
  z
    .object({ matches: z.string().min(1) })
    .strict()
    .refine((m) => isRegExp(m.matches), { message: 'matches is not a valid regular expression' }),
]);
export type Matcher = z.infer<typeof matcherSchema>;

export const PREDICATE_ATTRIBUTES = [
  'department',
  'title',
  'location',
  'employmentType',
  'manager',
  'groups',
  'division',
  'costCenter',
  'organization',
] as const;
export type PredicateAttribute = (typeof PREDICATE_ATTRIBUTES)[number];

const ruleSchema = z
  .object({
    id: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
    description: z.string().max(500).optional(),
    /** Every listed attribute must match (AND); an empty `when` matches every active person. */
    when: z.object(Object.fromEntries(PREDICATE_ATTRIBUTES.map((a) => [a, matcherSchema.optional()]))).strict().default({}),
    grant: z
      .array(
        z
          .object({
            app: connectorId,
            /** Entitlements in the connector's vocabulary; none means "an account, nothing more". */
            entitlements: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type PolicyRule = z.infer<typeof ruleSchema>;

export const LEAVER_ACTIONS = ['revokeSessions', 'transferOwnership', 'revokeEntitlements', 'disable', 'delete'] as const;
export type LeaverAction = (typeof LEAVER_ACTIONS)[number];

const leaverPlanSchema = z
  .object({
    /** Done in this order when a person leaves (or loses the app as a mover). */
    actions: z.array(z.enum(LEAVER_ACTIONS)).min(1),
    /** Delete the disabled account this many days later (the grace period). */
    deleteAfterDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();
export type LeaverPlan = z.infer<typeof leaverPlanSchema>;

export const DEFAULT_LEAVER_PLAN: LeaverPlan = { actions: ['revokeSessions', 'revokeEntitlements', 'disable'] };

const ownedAttributes = z.array(z.enum(PERSON_ATTRIBUTES));

export const perimeterConfigSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    connectors: z.array(connectorConfigSchema).default([]),
    policy: z.object({ rules: z.array(ruleSchema).default([]) }).strict().default({ rules: [] }),
    webhooks: z
      .partialRecord(z.enum(HR_SOURCES), secretReference)
      .default({}),
    leaver: z
      .object({
        default: leaverPlanSchema.default(DEFAULT_LEAVER_PLAN),
        apps: z.record(connectorId, leaverPlanSchema).default({}),
      })
      .strict()
      .default({ default: DEFAULT_LEAVER_PLAN, apps: {} }),
    reconciliation: z
      .object({
        /** How often every app is listed and compared with the directory (0 turns it off). */
        intervalMinutes: z.number().int().min(0).max(10_080).default(1440),
        /** Queue steps that disable orphans and correct drift, instead of only reporting them. */
        fix: z.boolean().default(false),
      })
      .strict()
      .default({ intervalMinutes: 1440, fix: false }),
    convergence: z
      .object({
        /**
         * When the policy (rules, apps, leaver plans) changes, apply the convergence run it starts
         * instead of only recording its dry run for an operator (POST /admin/converge applies it).
         */
        autoApply: z.boolean().default(false),
      })
      .strict()
      .default({ autoApply: false }),
    /**
     * Ledger events older than this many days are archived (JSON Lines) and removed, once a
     * checkpoint has sealed them; absent keeps everything.
     */
    retention: z.object({ keepDays: z.number().int().min(30).max(36_500) }).strict().optional(),
    /**
     * Which feeding source owns which person attributes (README "Source authority"); a class left
     * out keeps its default list, an empty list owns nothing.
     */
    authority: z
      .object({ hr: ownedAttributes.optional(), idp: ownedAttributes.optional() })
      .strict()
      .default({})
      .transform((given): AttributeAuthority => ({ hr: given.hr ?? DEFAULT_AUTHORITY.hr, idp: given.idp ?? DEFAULT_AUTHORITY.idp })),
  })
  .strict()
  .superRefine((config, context) => {
    const ids = new Set<string>();
    config.connectors.forEach((connector, index) => {
      if (ids.has(connector.id)) context.addIssue({ code: 'custom', path: ['connectors', index, 'id'], message: `duplicate connector id "${connector.id}"` });
      ids.add(connector.id);
    });
    const ruleIds = new Set<string>();
    config.policy.rules.forEach((rule, index) => {
      if (ruleIds.has(rule.id)) context.addIssue({ code: 'custom', path: ['policy', 'rules', index, 'id'], message: `duplicate rule id "${rule.id}"` });
      ruleIds.add(rule.id);
      rule.grant.forEach((grant, g) => {
        if (!ids.has(grant.app)) {
          context.addIssue({ code: 'custom', path: ['policy', 'rules', index, 'grant', g, 'app'], message: `"${grant.app}" is not a configured connector` });
        }
      });
    });
    for (const attribute of config.authority.hr.filter((owned) => config.authority.idp.includes(owned))) {
      context.addIssue({ code: 'custom', path: ['authority'], message: `"${attribute}" is owned by both hr and idp; give it to one` });
    }
    for (const app of Object.keys(config.leaver.apps)) {
      if (!ids.has(app)) context.addIssue({ code: 'custom', path: ['leaver', 'apps', app], message: `"${app}" is not a configured connector` });
    }
  });

export type PerimeterConfig = z.infer<typeof perimeterConfigSchema>;
export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

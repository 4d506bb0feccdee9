/**
 * The parts of the published OCSF 1.5.0 definitions the export must satisfy, transcribed by hand so
 * the test does not share a single line with the mapping it checks. Sources:
 * - base event attributes and requirements, severity_id / status_id enums: schema.ocsf.io/1.5.0
 *   (ocsf-schema events/base_event.json and dictionary.json);
 * - IAM category (uid 3) attributes actor, src_endpoint, http_request, http_response: events/iam/iam.json;
 * - Account Change (3001), User Access Management (3005), Group Management (3006): events/iam/*.json
 *   at 1.5.0 (activity enums, required `user` / `privileges` / `group`);
 * - objects: metadata (product and version required), user (at_least_one of account, name, uid),
 *   account (type_id enum), actor, resource_details, group.
 */

const BASE_ATTRIBUTES = [
  'activity_id', 'activity_name', 'category_name', 'category_uid', 'class_name', 'class_uid', 'count',
  'duration', 'end_time', 'enrichments', 'message', 'metadata', 'observables', 'raw_data',
  'raw_data_size', 'severity', 'severity_id', 'start_time', 'status', 'status_code', 'status_detail',
  'status_id', 'time', 'timezone_offset', 'type_name', 'type_uid', 'unmapped',
];
const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'];
const IAM_ATTRIBUTES = ['actor', 'http_request', 'http_response', 'src_endpoint'];

const SEVERITY_IDS = [0, 1, 2, 3, 4, 5, 6, 99];
const STATUS_IDS = [0, 1, 2, 99];
const ACCOUNT_TYPE_IDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 99];

interface ClassDefinition {
  readonly name: string;
  readonly categoryUid: number;
  readonly activityIds: readonly number[];
  readonly attributes: readonly string[];
  readonly required: readonly string[];
}

export const OCSF_CLASSES: Readonly<Record<number, ClassDefinition>> = {
  0: { name: 'Base Event', categoryUid: 0, activityIds: [0, 99], attributes: BASE_ATTRIBUTES, required: BASE_REQUIRED },
  3001: {
    name: 'Account Change',
    categoryUid: 3,
    activityIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99],
    attributes: [...BASE_ATTRIBUTES, ...IAM_ATTRIBUTES, 'policies', 'policy', 'user', 'user_result'],
    required: [...BASE_REQUIRED, 'user'],
  },
  3005: {
    name: 'User Access Management',
    categoryUid: 3,
    activityIds: [0, 1, 2, 99],
    attributes: [...BASE_ATTRIBUTES, ...IAM_ATTRIBUTES, 'privileges', 'resource', 'resources', 'user'],
    required: [...BASE_REQUIRED, 'privileges', 'user'],
  },
  3006: {
    name: 'Group Management',
    categoryUid: 3,
    activityIds: [0, 1, 2, 3, 4, 5, 6, 99],
    attributes: [...BASE_ATTRIBUTES, ...IAM_ATTRIBUTES, 'group', 'privileges', 'resource', 'user'],
    required: [...BASE_REQUIRED, 'group'],
  },
};

const METADATA_ATTRIBUTES = [
  'correlation_uid', 'debug', 'event_code', 'extension', 'extensions', 'labels', 'log_level', 'log_name',
  'log_provider', 'log_version', 'logged_time', 'loggers', 'modified_time', 'original_time',
  'processed_time', 'product', 'profiles', 'sequence', 'tags', 'tenant_uid', 'transformation_info_list',
  'uid', 'version',
];
const PRODUCT_ATTRIBUTES = ['name', 'uid', 'cpe_name', 'feature', 'lang', 'path', 'url_string', 'vendor_name', 'version'];
const USER_ATTRIBUTES = [
  'name', 'uid', 'account', 'credential_uid', 'display_name', 'domain', 'email_addr', 'forward_addr',
  'full_name', 'groups', 'has_mfa', 'ldap_person', 'org', 'phone_number', 'risk_level', 'risk_level_id',
  'risk_score', 'type', 'type_id', 'uid_alt',
];
const ACCOUNT_ATTRIBUTES = ['name', 'uid', 'type', 'type_id', 'labels'];
const ACTOR_ATTRIBUTES = ['app_name', 'app_uid', 'authorizations', 'idp', 'invoked_by', 'process', 'session', 'user'];
const RESOURCE_ATTRIBUTES = ['name', 'uid', 'type', 'data', 'labels', 'namespace', 'owner', 'region', 'version'];
const GROUP_ATTRIBUTES = ['name', 'uid', 'desc', 'domain', 'privileges', 'type'];

type Json = Record<string, unknown>;

/** Every way `event` departs from the class definition it claims; empty when it conforms. */
export function validateOcsfEvent(event: Json): string[] {
  const problems: string[] = [];
  const definition = OCSF_CLASSES[event.class_uid as number];
  if (!definition) return [`unknown class_uid ${String(event.class_uid)}`];
  for (const key of definition.required) if (event[key] === undefined) problems.push(`missing required ${key}`);
  unknownKeys(event, definition.attributes, '', problems);
  if (event.category_uid !== definition.categoryUid) problems.push(`category_uid ${String(event.category_uid)} is not ${definition.categoryUid}`);
  if (event.class_name !== undefined && event.class_name !== definition.name) problems.push(`class_name ${String(event.class_name)}`);
  if (!definition.activityIds.includes(event.activity_id as number)) problems.push(`activity_id ${String(event.activity_id)} not in the enum`);
  if (event.type_uid !== (event.class_uid as number) * 100 + (event.activity_id as number)) problems.push('type_uid is not class_uid * 100 + activity_id');
  if (!SEVERITY_IDS.includes(event.severity_id as number)) problems.push(`severity_id ${String(event.severity_id)} not in the enum`);
  if (event.status_id !== undefined && !STATUS_IDS.includes(event.status_id as number)) problems.push(`status_id ${String(event.status_id)} not in the enum`);
  if (!Number.isInteger(event.time)) problems.push('time is not an integer (ms since epoch)');

  const metadata = event.metadata as Json | undefined;
  if (metadata) {
    unknownKeys(metadata, METADATA_ATTRIBUTES, 'metadata.', problems);
    if (typeof metadata.version !== 'string' || !/^1\.\d+\.\d+$/.test(metadata.version)) problems.push('metadata.version is not a 1.x schema version');
    const product = metadata.product as Json | undefined;
    if (!product) problems.push('missing required metadata.product');
    else unknownKeys(product, PRODUCT_ATTRIBUTES, 'metadata.product.', problems);
  }
  for (const [path, user] of [['user', event.user], ['actor.user', (event.actor as Json | undefined)?.user]] as const) {
    if (user !== undefined) validateUser(user as Json, `${path}.`, problems);
  }
  if (event.actor !== undefined) unknownKeys(event.actor as Json, ACTOR_ATTRIBUTES, 'actor.', problems);
  if (event.privileges !== undefined && !(Array.isArray(event.privileges) && event.privileges.every((p) => typeof p === 'string'))) {
    problems.push('privileges is not an array of strings');
  }
  for (const resource of (event.resources as Json[] | undefined) ?? []) unknownKeys(resource, RESOURCE_ATTRIBUTES, 'resources[].', problems);
  if (event.group !== undefined) unknownKeys(event.group as Json, GROUP_ATTRIBUTES, 'group.', problems);
  if (event.unmapped !== undefined && (typeof event.unmapped !== 'object' || event.unmapped === null)) problems.push('unmapped is not an object');
  return problems;
}

function validateUser(user: Json, path: string, problems: string[]): void {
  unknownKeys(user, USER_ATTRIBUTES, path, problems);
  if (user.account === undefined && user.name === undefined && user.uid === undefined) problems.push(`${path} needs at least one of account, name, uid`);
  const account = user.account as Json | undefined;
  if (account) {
    unknownKeys(account, ACCOUNT_ATTRIBUTES, `${path}account.`, problems);
    if (account.type_id !== undefined && !ACCOUNT_TYPE_IDS.includes(account.type_id as number)) problems.push(`${path}account.type_id not in the enum`);
  }
}

function unknownKeys(object: Json, allowed: readonly string[], path: string, problems: string[]): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) problems.push(`${path}${key} is not an attribute of this class or object`);
}

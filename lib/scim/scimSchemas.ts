import SCIMMY from 'scimmy';
import { ENTERPRISE_USER_SCHEMA } from '../domain/ENTERPRISE_USER_SCHEMA.js';

export { ENTERPRISE_USER_SCHEMA };

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Placeholder scimmy writes into discovery documents; the handler swaps in the request's base URL. */
export const BASE_URL_PLACEHOLDER = 'urn:perimeter:base-url';

/** Largest request body the SCIM API accepts (also advertised in ServiceProviderConfig). */
export const MAX_PAYLOAD_BYTES = 1_048_576;
/**
 * Largest resource (its attributes as stored JSON) the directory keeps. A DynamoDB item holds at
 * most 400 KB, and a user's item carries its attributes plus, until delivered, the change's before
 * and after snapshots: three times this, with room to spare. Real users are a few kilobytes.
 */
export const MAX_RESOURCE_BYTES = 100 * 1024;
/** Most resources one list response returns (advertised as filter.maxResults). */
export const MAX_RESULTS = 1000;
export const DEFAULT_COUNT = 100;

let configured = false;

/** Multi-valued User attributes whose `type` any value may fill. */
const SUGGESTED_TYPES = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'] as const;

/**
 * scimmy keeps its resource and schema registry in module state; configure it exactly once. The
 * registry feeds /Schemas, /ResourceTypes and /ServiceProviderConfig and the attribute
 * characteristics (type, caseExact, mutability) that validation and filtering rely on.
 */
export function configureScimmy(): void {
  if (configured) return;
  configured = true;
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false));
  SCIMMY.Resources.declare(SCIMMY.Resources.Group);
  // RFC 7643 §2.3.1 and §7: the canonical values of these `type`s are suggestions, not a vocabulary
  // (and roles and x509Certificates define none at all); scimmy enforces them as an allowlist, so
  // an IdP's "alias" email or a role of its own type would be refused. Writable and unchecked here.
  for (const name of SUGGESTED_TYPES) SCIMMY.Schemas.User.definition.attribute(`${name}.type`).config.canonicalValues = false;
  SCIMMY.Config.set({
    patch: true,
    bulk: false,
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: false,
    sort: true,
    etag: true,
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued by the Perimeter operator',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
  });
  for (const resource of [SCIMMY.Resources.ServiceProviderConfig, SCIMMY.Resources.ResourceType, SCIMMY.Resources.Schema]) {
    resource.basepath(BASE_URL_PLACEHOLDER);
  }
}

export type ScimResourceType = 'User' | 'Group';

export function schemaDefinition(type: ScimResourceType): SCIMMY.Types.SchemaDefinition {
  configureScimmy();
  return type === 'User' ? SCIMMY.Schemas.User.definition : SCIMMY.Schemas.Group.definition;
}

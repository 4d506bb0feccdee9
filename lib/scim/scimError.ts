import SCIMMY from 'scimmy';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

// scimmy's typings name the class Types.SCIMError, but at runtime it is exported as Types.Error.
const ScimErrorClass = SCIMMY.Types.Error;

/** An RFC 7644 §3.12 error; the handler renders it with the SCIM error schema. */
export function scimError(status: number, scimType: ScimType | null, detail: string): SCIMMY.Types.SCIMError {
  return new ScimErrorClass(status, scimType as string, detail);
}

export function isScimError(error: unknown): error is SCIMMY.Types.SCIMError {
  return error instanceof ScimErrorClass;
}

import { ENTERPRISE_USER_SCHEMA } from '../domain/ENTERPRISE_USER_SCHEMA.js';
import { identifierKeys } from './identifiers/identifierKeys.js';

/** More addresses than a person has; a user carrying more is matched by the first ones only. */
const MAX_EMAILS = 20;

/**
 * The keys an HR event may find this user by when no HR id links them yet: the enterprise
 * employeeNumber, and every email address by the canonical form a userName has (RFC 8265: width
 * mapped, lower-cased, NFC; README "Identifiers"), so "ＡＤＡ@example.com" finds ada@example.com.
 * The directory indexes users by these so that a hire does not read every user to learn that the
 * person is new.
 */
export function hrMatchKeys(attributes: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set<string>();
  const enterprise = attributes[ENTERPRISE_USER_SCHEMA];
  const employeeNumber = enterprise !== null && typeof enterprise === 'object' ? (enterprise as Record<string, unknown>).employeeNumber : undefined;
  if (typeof employeeNumber === 'string' && employeeNumber !== '') keys.add(employeeNumberKey(employeeNumber));
  const emails = Array.isArray(attributes.emails) ? attributes.emails.slice(0, MAX_EMAILS) : [];
  for (const entry of emails) {
    const value = entry !== null && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
    if (typeof value === 'string' && value !== '') keys.add(emailKey(value));
  }
  return [...keys];
}

export function employeeNumberKey(employeeNumber: string): string {
  return `EMPNO#${employeeNumber}`;
}

export function emailKey(email: string): string {
  return `EMAIL#${identifierKeys.userName(email)}`;
}

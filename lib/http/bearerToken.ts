/**
 * The token of an RFC 6750 `Authorization: Bearer <token>` header, or undefined when the header is
 * absent or of another scheme. One parse for the handlers' authentication and local mode's check
 * before it reads a body, so the two never disagree about what a bearer credential looks like.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer[ ]+([^\s]+)\s*$/i.exec(header)?.[1];
}

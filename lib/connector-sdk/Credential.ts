/**
 * A connector credential as stored in the secret store (JSON). A bare string is a static bearer
 * token. The access token of an OAuth credential is obtained by rotation, which is the only code
 * that spends a refresh token, so concurrent workers never race each other to refresh.
 */
export type Credential =
  /** A static token (an API key without a management API): cannot be rotated by API. */
  | { readonly type: 'bearer'; readonly token: string; readonly issuedAt?: string }
  /** OAuth 2.0 with a refresh token (RFC 6749 §6); the provider may rotate the refresh token. */
  | {
      readonly type: 'oauth2-refresh';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret?: string;
      readonly refreshToken: string;
      readonly scope?: string;
      readonly accessToken?: string;
      /** When accessToken expires (ISO time). */
      readonly expiresAt?: string;
      readonly issuedAt?: string;
    }
  /**
   * A Microsoft Entra ID app registration's client secret (client credentials grant), rotated with
   * Graph's addPassword / removePassword on the application object.
   */
  | {
      readonly type: 'entra-client-secret';
      readonly tenantId: string;
      readonly clientId: string;
      /** The application's object id (not the client id), for addPassword / removePassword. */
      readonly applicationObjectId: string;
      readonly clientSecret: string;
      /** keyId of clientSecret in the application's passwordCredentials. */
      readonly secretKeyId: string;
      /** Defaults to https://login.microsoftonline.com/<tenantId>/oauth2/v2.0/token. */
      readonly tokenUrl?: string;
      /** Defaults to https://graph.microsoft.com/v1.0. */
      readonly graphBaseUrl?: string;
      readonly scope?: string;
      readonly accessToken?: string;
      readonly expiresAt?: string;
      readonly issuedAt?: string;
    };

export type CredentialType = Credential['type'];

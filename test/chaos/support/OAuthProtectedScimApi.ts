import type { FakeRequest, FakeResponse } from '../../fakes/FakeServer.js';
import type { FakeOAuthServer } from '../../fakes/oauth/FakeOAuthServer.js';
import { FakeScimApi } from '../../fakes/scim/FakeScimApi.js';

/**
 * A SCIM app that accepts exactly the access tokens its authorization server considers valid now:
 * issued, unexpired and not revoked (a revoked token family is refused at once, as a resource
 * server that introspects tokens does). So "a connector call works" means the credential does.
 */
export class OAuthProtectedScimApi extends FakeScimApi {
  public constructor(private readonly oauth: FakeOAuthServer) {
    super();
  }

  protected override admit(request: FakeRequest): FakeResponse | undefined {
    const token = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    return token !== undefined && this.oauth.isAccessTokenValid(token) ? undefined : this.unauthorized();
  }
}

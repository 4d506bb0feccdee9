import type { IncomingMessage } from 'node:http';

/**
 * A request's target as a URL on this server. The target is joined to the origin rather than
 * resolved against it: `//admin` resolved as a URL reference is a host named "admin" (or, for `//`,
 * no URL at all), where the server must see the path `//admin` and answer 404.
 */
export function requestUrl(request: Pick<IncomingMessage, 'url'>): URL | undefined {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

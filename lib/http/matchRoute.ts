/** A matched route: the pattern itself (for an exhaustive switch) and its path parameters by name. */
export interface RouteMatch<Route extends string> {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The route of a request, from a table of `METHOD /literal/:param` patterns: the first whose method
 * is the request's and whose segments match the decoded path segments one for one (a `:name` segment
 * matches any one segment). Matching is exact: a path with a segment more or less than every pattern
 * matches none, so only what the table lists is ever served, and a router built on the table is
 * exactly as wide as the table that tests sweep.
 */
export function matchRoute<Route extends string>(routes: readonly Route[], method: string, segments: readonly string[]): RouteMatch<Route> | undefined {
  for (const route of routes) {
    const [routeMethod, path = ''] = route.split(' ');
    const parts = path.split('/').filter(Boolean);
    if (routeMethod !== method || parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      return part.startsWith(':') || part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

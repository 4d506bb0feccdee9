/**
 * The rel="next" URL of an RFC 8288 Link header, e.g.
 * `<https://api.github.com/organizations/1/members?per_page=2&page=2>; rel="next", <...>; rel="last"`.
 * GitHub omits the header on a single page and the "next" link on the last one
 * (docs.github.com, "Using pagination in the REST API"); either way there is no next page.
 */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]+)*)/g)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return match[1];
  }
  return undefined;
}

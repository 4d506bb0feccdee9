/** Where the running Perimeter a CLI command talks to is: --url, else PERIMETER_URL, else local mode's port. */
export function perimeterBaseUrl(url: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return (url ?? env.PERIMETER_URL ?? `http://127.0.0.1:${env.PORT ?? '8787'}`).replace(/\/+$/, '');
}

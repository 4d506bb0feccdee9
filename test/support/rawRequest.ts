export interface RawRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Sent exactly as given: text as UTF-8, bytes as they are (invalid UTF-8 included). */
  readonly body?: string | Uint8Array;
}

export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  // biome-ignore lint: test convenience, shape asserted by each test
  readonly json: any;
}

/**
 * One HTTP request with nothing added or encoded on the caller's behalf (no JSON encoding, no
 * default content type, no token), for tests that send what a hostile client would.
 */
export async function rawRequest(url: string, init: RawRequestInit = {}): Promise<RawReply> {
  // Bytes, not a string: fetch would add "content-type: text/plain" to a string body.
  const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

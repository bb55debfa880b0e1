/**
 * The URL of a user's socket: `${base}/ws/${encodeURIComponent(user)}?token=…`, with `http(s):`
 * turned into `ws(s):`. A path in the base is kept, so a client behind a prefix works.
 */

const SCHEMES: Readonly<Record<string, string>> = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" };

/**
 * Builds the socket URL. Throws a `TypeError` naming the option when `base` is not an absolute
 * http(s)/ws(s) URL. The token, when given, is the `token` query parameter (URL-encoded); `extra`
 * adds more (the resume parameters `lastSeq` and `topics`).
 *
 * @example socketUrl("https://api.example.com", "ada", "t0k") // "wss://api.example.com/ws/ada?token=t0k"
 */
export function socketUrl(base: string, user: string, token?: string, extra: Readonly<Record<string, string>> = {}): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`realtime client: option "url" must be an absolute URL, got ${JSON.stringify(base)}`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) throw new TypeError(`realtime client: option "url" must be http(s) or ws(s), got ${url.protocol}`);
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/ws/${encodeURIComponent(user)}`;
  url.search = "";
  url.hash = "";
  if (token !== undefined) url.searchParams.set("token", token);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.toString();
}

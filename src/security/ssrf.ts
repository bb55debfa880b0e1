/**
 * The outbound URL guard (SSRF). A URL is allowed only when it is `https` and its host, normalised
 * (`normalizeHost`), is neither an IP literal, nor a single label, nor an internal name
 * (`INTERNAL_NAME_SUFFIXES`). With `allowPrivate` (a development flag) `http` and private hosts pass.
 * Workers cannot resolve DNS before connecting, so a public name that resolves to a private
 * address is not caught here; Cloudflare's egress does not reach private networks.
 */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * Names that only mean something inside a network: a host that is one of these or ends with `.`
 * and one of these is refused (single-label hosts such as `metadata` are refused as such).
 */
export const INTERNAL_NAME_SUFFIXES = ["localhost", "local", "localdomain", "internal", "lan", "home.arpa", "corp", "svc", "cluster.local"] as const;

/** IPv4 ranges refused, as [first octets, prefix length]. */
const BLOCKED_V4: readonly [number, number, number, number, number][] = [
  [0, 0, 0, 0, 8], [10, 0, 0, 0, 8], [100, 64, 0, 0, 10], [127, 0, 0, 0, 8], [169, 254, 0, 0, 16], [172, 16, 0, 0, 12],
  [192, 0, 0, 0, 24], [192, 0, 2, 0, 24], [192, 168, 0, 0, 16], [198, 18, 0, 0, 15], [198, 51, 100, 0, 24], [203, 0, 113, 0, 24], [224, 0, 0, 0, 3],
];

function v4ToInt(parts: readonly number[]): number {
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

function blockedV4(host: string): boolean {
  const parts = host.split(".").map(Number);
  const ip = v4ToInt(parts);
  return BLOCKED_V4.some(([a, b, c, d, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (ip & mask) === (v4ToInt([a, b, c, d]) & mask);
  });
}

function blockedV6(host: string): boolean {
  const h = host.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    if (mapped.length === 2) return blockedV4(mapped[1] ?? "");
    const hi = parseInt(mapped[1] ?? "0", 16);
    const lo = parseInt(mapped[2] ?? "0", 16);
    return blockedV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return h === "::" || h === "::1" || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || /^ff/.test(h) || h.startsWith("64:ff9b:") || h.startsWith("2001:db8:") || h.startsWith("::ffff:");
}

/**
 * A host name as the guard compares it: what the WHATWG URL parser gives (lower case, IDN as
 * punycode, IPv4 spellings such as `0x7f.1` as dotted decimal), without its trailing dots.
 */
export function normalizeHost(hostname: string): string {
  let host = hostname;
  try {
    host = new URL(`https://${hostname}/`).hostname;
  } catch {
    // not a host the parser takes: compared as given, lower-cased
  }
  return host.toLowerCase().replace(/\.+$/, "");
}

/** True when `hostname` is private, local, internal or reserved (see `INTERNAL_NAME_SUFFIXES`). */
export function isPrivateHost(hostname: string): boolean {
  const host = normalizeHost(hostname);
  if (host.startsWith("[") && host.endsWith("]")) return blockedV6(host.slice(1, -1));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return blockedV4(host);
  if (!host.includes(".")) return true; // a single label resolves only on a local network
  return INTERNAL_NAME_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/** True when `hostname` is an IP literal (v4 or bracketed v6). */
export function isIpLiteral(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith("[");
}

export function checkOutboundUrl(raw: string, options: { allowPrivate: boolean }): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a valid URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  if (options.allowPrivate) return url.protocol === "https:" || url.protocol === "http:" ? { ok: true, url } : { ok: false, reason: "only http(s) URLs are allowed" };
  if (url.protocol !== "https:") return { ok: false, reason: "only https URLs are allowed" };
  const host = normalizeHost(url.hostname);
  if (isIpLiteral(host)) return { ok: false, reason: `IP literal hosts are not allowed (${url.hostname})` };
  if (isPrivateHost(host)) return { ok: false, reason: `host '${url.hostname}' is private, local, internal or reserved` };
  return { ok: true, url };
}

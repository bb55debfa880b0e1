const encoder = new TextEncoder();

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/**
 * Digests of the secrets this isolate compared lately, computed once each: the expected ones (a
 * handful) and the ones callers present (the same token, request after request). A hit reveals
 * only that a caller sent that string before, nothing of the expected secret.
 */
const digests = new Map<string, Promise<Uint8Array>>();

function digestOf(secret: string): Promise<Uint8Array> {
  let digest = digests.get(secret);
  if (!digest) {
    if (digests.size >= 256) digests.clear();
    digest = sha256(secret);
    digests.set(secret, digest);
  }
  return digest;
}

/**
 * Compares two secrets in constant time. Both are hashed first, so the comparison runs over two
 * 32-byte digests whatever the inputs' lengths: neither the content nor the length of the expected
 * secret leaks through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digestOf(given), digestOf(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

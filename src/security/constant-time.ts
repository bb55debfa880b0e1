const encoder = new TextEncoder();

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
}

/** Digests of the expected secrets of this isolate (a handful: the admin token, …), computed once each. */
const expectedDigests = new Map<string, Promise<Uint8Array>>();

function expectedDigest(secret: string): Promise<Uint8Array> {
  let digest = expectedDigests.get(secret);
  if (!digest) {
    if (expectedDigests.size >= 16) expectedDigests.clear();
    digest = sha256(secret);
    expectedDigests.set(secret, digest);
  }
  return digest;
}

/**
 * Compares two secrets in constant time. Both are hashed first, so the comparison runs over two
 * 32-byte digests whatever the inputs' lengths: neither the content nor the length of the expected
 * secret leaks through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), expectedDigest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The tenants benchmark's HTTP client: JSON in, JSON out, any status ≥ 300 throws with its body. */
export interface BenchClient {
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, bearer?: string): Promise<T>;
  /** Milliseconds of one call (the body is read before the clock stops). */
  time(method: string, path: string, body?: unknown, bearer?: string): Promise<number>;
}

/** A client of the Worker at `url` (the user workerd's own socket, past wrangler's proxy); `adminToken` unless a call names its bearer. */
export function benchClient(url: string, adminToken: string): BenchClient {
  const call = async <T>(method: string, path: string, body?: unknown, bearer = adminToken): Promise<T> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    call,
    async time(method, path, body, bearer) {
      const started = performance.now();
      await call(method, path, body, bearer);
      return performance.now() - started;
    },
  };
}

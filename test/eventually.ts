/**
 * The one wait of the project's tests: polls `check` every 20 ms until it holds, or throws after
 * `timeoutMs` naming `what`. For what happens asynchronously in real time (a Queue consumer, a
 * socket frame, a `wrangler dev` alarm); time the cluster decides by moves with the virtual clock
 * of `durable-cluster/testing` instead.
 */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what: string | (() => string) = "the condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === "string" ? what : what()} did not hold within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

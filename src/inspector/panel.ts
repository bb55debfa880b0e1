/**
 * One panel of the inspector: its markup (inside a `<section>` the page gives it, with its title as
 * the heading) and its script. A panel's script runs inside the page's script, after the shared
 * helpers, so it can use them directly:
 *
 * - `$(id)`; `api(path, method?, body?)` (the admin token as a bearer; identical reads in flight share one request; rejects with `err.status`
 *   and the problem's title and detail); `call(path, method?, body?, headers?)` (the same, resolving
 *   to `{ body, headers }`); `latest()` (a guard: `guard(api(…))` resolves to undefined when a later
 *   request through the same guard was made meanwhile); `num(x)` (1,234); `el(tag, text?)` (an
 *   element with that text); `fill(table, rows)` (text cells only, never HTML);
 * - `focused(el)`: whether the keyboard focus is inside `el` (a live refresh then waits);
 *   `onScreen(el)`: whether `el` is in the viewport (live refreshes read only what is seen);
 * - `button(label, run, errorEl)` (a button whose failure shows in `errorEl`); `time(ms|iso)`;
 * - `onSignIn(load)`: `load(cluster)` runs after sign-in (with `GET /v1/cluster`'s answer, read once
 *   to check the token) and is how the panel first fills itself; its rejection shows in the page's
 *   error line (a 401 signs out);
 * - `onActivity(fn)`: `fn(snapshot)` with each snapshot of the admin activity stream (at most one a
 *   second), for counters and lists that update without a reload.
 */
/** A table's column heads and empty body, the markup every panel's tables share. */
export const tableBody = (names: readonly string[]): string => `<thead><tr>${names.map((n) => `<th scope="col">${n}</th>`).join("")}</tr></thead><tbody></tbody>`;

export interface InspectorPanel {
  /** The section's id (`panel-<id>`) and the prefix of its element ids. */
  readonly id: string;
  readonly title: string;
  readonly html: string;
  readonly js: string;
}

import { ERROR_CATALOGUE, ProblemCodeSchema } from "./problem.ts";

declare const declared: unique symbol;

/**
 * A problem code an application declares: its HTTP status (400–599) and its title. Only
 * `defineErrors` makes one (the brand), so every code `AppError` accepts was checked there.
 */
export interface ErrorKind<C extends string = string> {
  readonly code: C;
  readonly status: number;
  readonly title: string;
  readonly [declared]: true;
}

/** What `defineErrors` takes: code → status and title. */
export type ErrorCatalogue = Readonly<Record<string, { readonly status: number; readonly title: string }>>;

/** The declared kinds, by code. */
export type ErrorKinds<C extends ErrorCatalogue> = { readonly [K in keyof C & string]: ErrorKind<K> };

/**
 * Declares an application's own problem codes. Throw one with `new AppError(errors.<code>, detail)`:
 * the route answers problem+json with that code, status and title, an RPC caller gets -32010 with
 * the problem, a saga records it as its cause. Codes are snake case and may not reuse a platform
 * code; a status outside 400–599 throws here, naming the code.
 *
 * @example
 * export const errors = defineErrors({ insufficient_funds: { status: 409, title: "Insufficient funds" } });
 * throw new AppError(errors.insufficient_funds, `balance ${balance} is less than ${amount}`);
 */
export function defineErrors<const C extends ErrorCatalogue>(catalogue: C): ErrorKinds<C> {
  const kinds: Record<string, { code: string; status: number; title: string }> = {};
  for (const [code, { status, title }] of Object.entries(catalogue)) {
    if (!ProblemCodeSchema.safeParse(code).success) throw new Error(`defineErrors: code '${code}' must be snake case (a-z, 0-9, _; at most 64)`);
    if (code in ERROR_CATALOGUE) throw new Error(`defineErrors: code '${code}' is the platform's own`);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`defineErrors(${code}): status must be an integer in 400..599, got ${status}`);
    if (typeof title !== "string" || title.length === 0) throw new Error(`defineErrors(${code}): title must be a non-empty string`);
    kinds[code] = { code, status, title };
  }
  return kinds as unknown as ErrorKinds<C>;
}

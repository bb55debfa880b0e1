import { z } from "zod";

type Last<V extends readonly z.ZodType[]> = V extends readonly [...z.ZodType[], infer L extends z.ZodType] ? L : never;

/** One upgrade function per step `vN → vN+1`; a missing one re-reads the value with the next schema (new fields optional or defaulted). */
export type Upgrades<V extends readonly z.ZodType[]> = V extends readonly [infer A extends z.ZodType, infer B extends z.ZodType, ...infer R extends z.ZodType[]]
  ? [((value: z.output<A>) => z.input<B>) | undefined, ...Upgrades<[B, ...R]>]
  : [];

/** A value of the latest version, tagged with it. */
export type Latest<T> = T & { v: number };

/** A payload with versions: decode any supported version to the latest, encode as the latest. */
export interface Versioned<T> {
  /** The latest version number (the count of versions). */
  readonly latest: number;
  /** A zod schema accepting every supported version and giving the latest (use it as a state, payload or input schema). */
  readonly schema: z.ZodType<Latest<T>>;
  /** Decodes (and upgrades) a stored value; throws a ZodError naming the paths when no version fits. */
  decode(raw: unknown): Latest<T>;
  /** The value as it is written: the latest version, with `v`. */
  encode(value: T): Latest<T>;
}

/**
 * Declares a versioned payload (EVNT-06). Stored values carry `v` (a value without `v` is version
 * 1: data written before the type was versioned). Reading accepts every version and upgrades it
 * step by step to the latest; writing always uses the latest. Golden fixtures of each version in
 * `test/fixtures/versioned/` are decoded in CI, so a change that breaks old data fails the build.
 *
 * @example
 * const TransferInput = versioned({
 *   versions: [z.object({ from: z.string(), amount: z.number() }), z.object({ from: z.string(), amount: z.number(), currency: z.enum(["EUR", "USD"]) })],
 *   upgrade: [(v1) => ({ ...v1, currency: "EUR" })],
 * });
 */
export function versioned<const V extends readonly [z.ZodType, ...z.ZodType[]]>(config: { readonly versions: V; readonly upgrade?: Partial<Upgrades<V>> }): Versioned<z.output<Last<V>>> {
  type T = z.output<Last<V>>;
  const versions: readonly z.ZodType[] = config.versions;
  const steps = (config.upgrade ?? []) as readonly (((value: unknown) => unknown) | undefined)[];
  const latest = versions.length;
  const schema = z.unknown().transform((raw, ctx): Latest<T> => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      ctx.addIssue({ code: "custom", message: "expected an object" });
      return z.NEVER;
    }
    const { v = 1, ...body } = raw as Record<string, unknown>;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > latest) {
      ctx.addIssue({ code: "custom", message: `unsupported version ${String(v)} (supported: 1..${latest})`, path: ["v"] });
      return z.NEVER;
    }
    let value: unknown = body;
    for (let at = v; at <= latest; at++) {
      const parsed = (versions[at - 1] as z.ZodType).safeParse(at === v ? value : (steps[at - 2] ?? ((x: unknown) => x))(value));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: at === v ? issue.message : `upgrading v${v} to v${at}: ${issue.message}`, path: issue.path });
        return z.NEVER;
      }
      value = parsed.data;
    }
    return { ...(value as object), v: latest } as Latest<T>;
  }) as unknown as z.ZodType<Latest<T>>;
  return {
    latest,
    schema,
    decode: (raw) => schema.parse(raw),
    encode: (value) => schema.parse({ ...(value as object), v: latest }),
  };
}

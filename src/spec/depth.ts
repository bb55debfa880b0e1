import { AppError } from "./errors.ts";

/** How deeply a client's JSON (or MessagePack) may nest arrays and objects: `[]` and `{}` are depth 1. */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of a parsed value, measured without recursion (a deep value would overflow the
 * stack of a recursive walk, of a schema and of a Durable Object call), stopping once past `max`.
 * Scalars and binary data are depth 0.
 */
export function depthOf(value: unknown, max = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  for (let top = values.pop(), depth = depths.pop(); depth !== undefined; top = values.pop(), depth = depths.pop()) {
    if (typeof top !== "object" || top === null || ArrayBuffer.isView(top)) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(top) ? top : Object.values(top)) {
      if (typeof child === "object" && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}

/**
 * The nesting depth of a JSON text, read without parsing it (brackets outside strings), stopping once
 * past `max`: a body can be refused before anything parses, validates or forwards it.
 */
export function jsonTextDepth(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Throws 400 `payload_too_deep` when `value` nests deeper than {@link MAX_JSON_DEPTH}. */
export function assertDepth(value: unknown, what: string): void {
  if (depthOf(value) > MAX_JSON_DEPTH) throw new AppError("payload_too_deep", `${what} nests arrays and objects more than ${MAX_JSON_DEPTH} deep`);
}

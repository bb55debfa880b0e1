import { AppError } from "../spec/index.ts";

/**
 * The cursor of a list ordered by (time, id) over several shards: the last item's pair, opaque to
 * clients. A cursor that is not one answers 400 at `cursor`.
 */
export const pageCursor = (at: number, id: string): string => btoa(JSON.stringify([at, id]));

export function parsePageCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = JSON.parse(atob(cursor)) as [unknown, unknown];
    if (typeof at === "number" && typeof id === "string") return { at, id };
  } catch {
    // Not base64 JSON: refused below.
  }
  throw new AppError("validation_failed", "invalid cursor", { extra: { errors: [{ path: "cursor", message: "not a cursor of this list" }] } });
}

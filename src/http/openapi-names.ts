/**
 * Names for the components the API document shares (see openapi-compact.ts). Every use repeats
 * its component's name in a `$ref`, so names are short: a few words of the description, an error
 * response's HTTP reason, a parameter's own name. What a component means is in its body, not its
 * name; a name taken already gets a number.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Words that say nothing in a name. */
const FILLER = new Set(["a", "an", "the", "of", "or", "and", "to", "for", "by", "its", "it", "is", "with", "in", "on", "at", "as", "from", "when", "per", "e", "g"]);

/** Error responses are named after their status (the description says which error). */
const REASONS: Record<string, string> = {
  "400": "BadRequest",
  "401": "Unauthorized",
  "403": "Forbidden",
  "404": "NotFound",
  "409": "Conflict",
  "413": "TooLarge",
  "415": "UnsupportedType",
  "422": "Unprocessable",
  "423": "Locked",
  "429": "TooMany",
  "503": "Unavailable",
  "504": "Timeout",
};

/** At most `max` words of `text` in PascalCase (parentheses, possessives and filler words left out). */
function pascal(text: string, max: number): string {
  const words = text.replace(/\(.*?\)|'s\b/g, " ").replace(/[^A-Za-z0-9]+/g, " ").split(" ");
  const kept = words.filter((w) => w !== "" && !FILLER.has(w.toLowerCase())).slice(0, max);
  return kept.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

const describedBy = (value: Json): string => (typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.description === "string" ? value.description : "");

/** Hands out component names of one kind (`components.schemas`, …), each unique. */
export class ComponentNames {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string>) {
    this.taken = new Set(taken);
  }

  /** A schema: three words of its description, else "Schema". */
  schema(schema: Json): string {
    return this.unique(pascal(describedBy(schema), 3) || "Schema");
  }

  /** A parameter: its own name (`Idempotency-Key` → `IdempotencyKey`). */
  parameter(parameter: Json): string {
    const name = typeof parameter === "object" && parameter !== null && !Array.isArray(parameter) ? parameter.name : undefined;
    return this.unique(pascal(typeof name === "string" ? name : "", 4) || "Parameter");
  }

  /** A response: the HTTP reason of an error status, else three words of its description. */
  response(response: Json, status: string): string {
    return this.unique(REASONS[status] ?? (Number(status) >= 400 ? `Status${status}` : pascal(describedBy(response), 3) || "Response"));
  }

  private unique(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = /\d$/.test(base) ? `${base}_${n}` : `${base}${n}`;
    this.taken.add(name);
    return name;
  }
}

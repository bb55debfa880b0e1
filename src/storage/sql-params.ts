/**
 * SQLite in a Durable Object binds at most 100 parameters per statement ("too many SQL variables").
 * A statement whose values grow with its input binds them as one JSON array instead, so its
 * parameter count is fixed whatever the input: a list is `IN (SELECT value FROM json_each(?))`, a
 * value is `json_extract(?N, '$[i]')`. Values compare and store as if bound directly (a JSON
 * number is an INTEGER or a REAL, a string TEXT, null NULL; the column's affinity applies).
 */
export const MAX_SQL_PARAMS = 100;

/** `IN (…)` over a list bound as one JSON parameter: bind `JSON.stringify(values)` at its `?`. */
export const IN_JSON_LIST = "IN (SELECT value FROM json_each(?))";

/** Values of one statement collected into the JSON array bound at `?<index>`. */
export class JsonParams {
  readonly #values: unknown[] = [];

  constructor(private readonly index: number) {}

  /** The SQL expression of one value. */
  value(value: SqlStorageValue): string {
    this.#values.push(value);
    return `json_extract(?${this.index}, '$[${this.#values.length - 1}]')`;
  }

  /** A parenthesised list for `IN`. */
  list(values: readonly SqlStorageValue[]): string {
    this.#values.push([...values]);
    return `(SELECT value FROM json_each(?${this.index}, '$[${this.#values.length - 1}]'))`;
  }

  /** The parameter to bind at `?<index>`. */
  bind(): string {
    return JSON.stringify(this.#values);
  }
}

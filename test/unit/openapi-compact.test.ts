import { describe, expect, it } from "vitest";
import { compactDocument } from "../../src/http/openapi-compact.ts";
import { ComponentNames } from "../../src/http/openapi-names.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { paths: Record<string, Record<string, Record<string, Json>>>; components: Record<string, Record<string, Json>> };

const text = (description: string) => ({ type: "string", maxLength: 200, description });
const child = { type: "object", properties: { label: text("Human label of the part"), note: text("Free note kept with the part") }, description: "One part of a thing" };
const thing = { type: "object", properties: { id: text("Thing id"), title: text("Title shown in lists"), part: child }, required: ["id"], description: "A thing's current state" };
const problemSchema = { type: "object", properties: { code: text("Stable error code") }, description: "RFC 9457 problem details" };
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: problemSchema } } });
const sharedProblem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/RFC9457Problem" } } } });
const idParam = { schema: { type: "string", description: "Thing id (t_…)" }, required: true, description: "Thing id (t_…)", name: "id", in: "path" };
const limitParam = { schema: { type: "integer", minimum: 1, maximum: 100 }, required: false, description: "Page size", name: "limit", in: "query" };
const ok = { description: "The thing", content: { "application/json": { schema: thing } } };

const doc = (): Doc => ({
  paths: {
    "/things/{id}": { get: { parameters: [idParam, limitParam], responses: { "200": ok, "401": problem("Missing or invalid admin token"), "404": problem("No such thing") } } },
    "/things/{id}/copy": { get: { parameters: [idParam], responses: { "200": ok, "401": problem("Missing or invalid admin token"), "404": problem("No such thing or copy") } } },
    "/things/{id}/history": { get: { parameters: [idParam], responses: { "401": problem("Missing or invalid admin token") } } },
    "/things": { post: { requestBody: { content: { "application/json": { schema: thing } } }, responses: { "401": problem("Missing or invalid admin token") } } },
  },
  components: { securitySchemes: { adminBearer: { type: "http", scheme: "bearer" } } },
});

/** The paths with every `$ref` replaced by what it names. */
function dereferenced(d: Doc): Json {
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    if (typeof v.$ref === "string") {
      const [, , kind = "", name = ""] = v.$ref.split("/");
      return walk(d.components[kind]?.[name] ?? null);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(d.paths);
}

describe("compactDocument", () => {
  it("shares a response repeated word for word under its HTTP reason, and leaves one used once inline", () => {
    const out = compactDocument(doc());
    expect(out.components.responses).toHaveProperty("Unauthorized", sharedProblem("Missing or invalid admin token"));
    expect(out.paths["/things"]?.post?.responses).toEqual({ "401": { $ref: "#/components/responses/Unauthorized" } });
    expect(out.paths["/things/{id}"]?.get?.responses).toMatchObject({ "404": sharedProblem("No such thing") });
  });

  it("shares a repeated schema once, and puts back inline a schema that is used only inside it", () => {
    const schemas = compactDocument(doc()).components.schemas ?? {};
    expect(Object.keys(schemas)).toEqual(["ThingCurrentState", "RFC9457Problem"]);
    expect(schemas.RFC9457Problem).toEqual(problemSchema);
    expect(schemas.ThingCurrentState).toMatchObject({ properties: { part: child } });
  });

  it("drops only what a parameter says twice: required false and its schema's copy of its description", () => {
    const out = compactDocument(doc());
    expect(out.components.parameters).toEqual({ Id: { schema: { type: "string" }, required: true, description: "Thing id (t_…)", name: "id", in: "path" } });
    expect(out.paths["/things/{id}"]?.get?.parameters).toEqual([{ $ref: "#/components/parameters/Id" }, { schema: limitParam.schema, description: "Page size", name: "limit", in: "query" }]);
  });

  it("means what the input means: dereferenced, the paths are the input's (parameters aside), and the document is smaller", () => {
    const input = doc();
    const out = compactDocument(input);
    const withoutParameters = (paths: Json) => JSON.parse(JSON.stringify(paths, (key, value: Json) => (key === "parameters" ? undefined : value))) as Json;
    expect(withoutParameters(dereferenced(out))).toEqual(withoutParameters(input.paths as unknown as Json));
    expect(out.components.securitySchemes).toEqual(input.components.securitySchemes);
    expect(JSON.stringify(out).length).toBeLessThan(JSON.stringify(input).length);
  });
});

describe("ComponentNames", () => {
  it("names a schema with three words of its description, a parameter by its name, an error response by its reason, each once", () => {
    const names = new ComponentNames(["Job"]);
    expect(names.schema({ description: "A rollout's status (counts per tenant state) and its wave" })).toBe("RolloutStatusWave");
    expect(names.schema({ description: "A job" })).toBe("Job2");
    expect(names.schema({ type: "string" })).toBe("Schema");
    expect(names.parameter({ name: "Idempotency-Key", in: "header" })).toBe("IdempotencyKey");
    expect([names.response({ description: "No such job" }, "404"), names.response({ description: "No such saga" }, "404")]).toEqual(["NotFound", "NotFound2"]);
    expect(names.response({ description: "Teapot" }, "418")).toBe("Status418");
    expect(names.response({ description: "Something else" }, "418")).toBe("Status418_2");
    expect(names.response({ description: "The endpoint" }, "200")).toBe("Endpoint");
  });
});

/**
 * Renders the OpenAPI document as a self-contained HTML page (no external scripts or styles, so
 * `/docs` works offline and under a strict CSP): one section per route with its parameters,
 * request body and responses, then the shared schemas.
 */
interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name?: string; in?: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
  components?: { schemas?: Record<string, unknown>; parameters?: Record<string, unknown>; responses?: Record<string, unknown> };
}

const METHODS = ["get", "put", "post", "patch", "delete"] as const;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A shared parameter or response (`$ref: #/components/<kind>/<name>`) resolved, anything else as it is. */
function resolve<T>(doc: OpenApiDocument, value: T): T {
  const ref = (value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== "string") return value;
  const [, , kind, name] = ref.split("/");
  const table = kind === "parameters" ? doc.components?.parameters : kind === "responses" ? doc.components?.responses : undefined;
  return (table?.[name ?? ""] as T | undefined) ?? value;
}

function renderOperation(doc: OpenApiDocument, path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map((p) => resolve(doc, p))
    .map((p) => `<li><code>${escape(p.name ?? "")}</code> (${escape(p.in ?? "")}${p.required ? ", required" : ""}) ${escape(p.description ?? "")}</li>`)
    .join("");
  const body = Object.entries(op.requestBody?.content ?? {})
    .map(([type, media]) => `<details><summary>body: ${escape(type)}</summary><pre>${escape(JSON.stringify(media.schema, null, 2))}</pre></details>`)
    .join("");
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${escape(status)}</b> ${escape(resolve(doc, r).description ?? "")}</li>`)
    .join("");
  const auth = op.security && op.security.length > 0 ? " <i>(authenticated)</i>" : "";
  return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code>${auth}</h3><p>${escape(op.summary ?? "")}</p>${params ? `<ul>${params}</ul>` : ""}${body}<ul>${responses}</ul></section>`;
}

export function renderDocsPage(doc: OpenApiDocument): string {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item?.[method];
      return op ? [renderOperation(doc, path, method, op)] : [];
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}.m{font-family:monospace;background:#eef;padding:0 .3rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style>
</head><body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description ?? "")}</p>
<p>Machine-readable description: <a href="/openapi.json">/openapi.json</a>. Errors are <code>application/problem+json</code> (RFC 9457).</p>
${sections.join("\n")}
<h2>Schemas</h2><p>Shared by the routes above (<code>$ref: #/components/schemas/&lt;name&gt;</code>).</p>
${Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`).join("\n")}</body></html>`;
}

/**
 * Renders the OpenAPI document as a self-contained HTML page (no external scripts or styles, so
 * `/docs` works offline and under a strict CSP): one section per route with its parameters,
 * request body and responses.
 */
interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation | undefined> | undefined>;
}

const METHODS = ["get", "put", "post", "patch", "delete"] as const;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function renderOperation(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map((p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ", required" : ""}) ${escape(p.description ?? "")}</li>`)
    .join("");
  const body = Object.entries(op.requestBody?.content ?? {})
    .map(([type, media]) => `<details><summary>body: ${escape(type)}</summary><pre>${escape(JSON.stringify(media.schema, null, 2))}</pre></details>`)
    .join("");
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${escape(status)}</b> ${escape(r.description ?? "")}</li>`)
    .join("");
  const auth = op.security && op.security.length > 0 ? " <i>(authenticated)</i>" : "";
  return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code>${auth}</h3><p>${escape(op.summary ?? "")}</p>${params ? `<ul>${params}</ul>` : ""}${body}<ul>${responses}</ul></section>`;
}

export function renderDocsPage(doc: OpenApiDocument): string {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item?.[method];
      return op ? [renderOperation(path, method, op)] : [];
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}.m{font-family:monospace;background:#eef;padding:0 .3rem}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style>
</head><body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description ?? "")}</p>
<p>Machine-readable description: <a href="/openapi.json">/openapi.json</a>. Errors are <code>application/problem+json</code> (RFC 9457).</p>
${sections.join("\n")}</body></html>`;
}

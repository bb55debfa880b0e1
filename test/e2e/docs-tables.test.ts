import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOGUE, RuntimeConfigSchema } from "../../src/spec/index.ts";

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8");

describe("docs/errors.md", () => {
  const rows = new Map(
    doc("errors.md")
      .split("\n")
      .flatMap((line) => {
        const m = /^\| `([a-z_]+)` \| (\d{3}) \|/.exec(line);
        return m ? [[m[1] ?? "", Number(m[2])] as const] : [];
      }),
  );

  it("lists every code of the catalogue with its status, and nothing else", () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) expect(rows.get(code), code).toBe(status);
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });
});

describe("docs/configuration.md", () => {
  it("lists every variable the Worker reads", () => {
    const text = doc("configuration.md");
    for (const name of Object.keys(RuntimeConfigSchema.shape)) expect(text, name).toContain(`| \`${name}\` |`);
  });
});

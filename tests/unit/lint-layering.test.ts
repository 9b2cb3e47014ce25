import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layering rules in eslint.config.mjs, run through ESLint's own API on snippets placed where
// they would break the layering, and where the same code is allowed.

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function problems(code: string, filePath: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

// The first test pays for ESLint's cold start and the scan of every source (seconds on a busy machine).
describe("lint: the layering", { timeout: 60_000 }, () => {
  it("refuses a component that imports a server module, naming why it is one", async () => {
    const found = await problems(`import { getStore } from "@/lib/db/get-store";\nexport const store = getStore;\n`, "components/x/bad.tsx");
    expect(found).toEqual([
      expect.objectContaining({ rule: "redrive/no-server-import", message: expect.stringContaining('"@/lib/db/get-store" is a server module') }),
    ]);
  });

  it("refuses a client hook that imports a server module", async () => {
    const found = await problems(`import { listLetters } from "@/lib/dead-letters/list-letters";\nexport const l = listLetters;\n`, "lib/queries/use-bad.ts");
    expect(found.map((f) => f.rule)).toEqual(["redrive/no-server-import"]);
  });

  it("refuses a module that is a server module only through what it imports", async () => {
    // The route handler has no "server-only" line of its own; the modules it calls do.
    const found = await problems(`import { GET } from "@/app/api/consumers/route";\nexport const get = GET;\n`, "components/x/bad.tsx");
    expect(found).toEqual([
      expect.objectContaining({ rule: "redrive/no-server-import", message: expect.stringMatching(/is a server module \(imports lib\/.+, which imports/) }),
    ]);
  });

  it("refuses server-only packages in components, and lets type-only imports of server modules through", async () => {
    const bad = await problems(`import amqp from "amqplib";\nexport const a = amqp;\n`, "components/x/bad.tsx");
    expect(bad.map((f) => f.rule)).toEqual(expect.arrayContaining(["redrive/no-server-import"]));
    const ok = await problems(
      `import type { LetterListQuery } from "@/lib/dead-letters/list-letters";\nexport type Q = LetterListQuery;\n`,
      "components/x/ok.tsx",
    );
    expect(ok).toEqual([]);
  });

  it("keeps zod out of the browser: a list's schema is the route's, its params builder the client's", async () => {
    const schema = await problems(
      `import { consumerListQuery } from "@/lib/health/consumer-list-query";\nexport const q = consumerListQuery;\n`,
      "components/x/bad.tsx",
    );
    expect(schema).toEqual([
      expect.objectContaining({ rule: "redrive/no-server-import", message: expect.stringContaining("brings zod into the browser bundle") }),
    ]);
    const builder = await problems(
      `import { consumerListParams } from "@/lib/health/consumer-list-params";\nexport const p = consumerListParams;\n`,
      "components/x/ok.tsx",
    );
    expect(builder).toEqual([]);
  });

  it("lets the same import through on the server side", async () => {
    expect(await problems(`import { getStore } from "@/lib/db/get-store";\nexport const store = getStore;\n`, "lib/health/ok.ts")).toEqual([]);
  });

  it("refuses amqplib and @nats-io outside lib/brokers/, and allows them inside", async () => {
    const code = `import amqp from "amqplib";\nimport { jetstream } from "@nats-io/jetstream";\nexport { amqp, jetstream };\n`;
    const outside = await problems(code, "lib/health/sample-somehow.ts");
    expect(outside.map((f) => f.rule)).toEqual(["no-restricted-imports", "no-restricted-imports"]);
    expect(outside[0]!.message).toContain("only under lib/brokers/");
    expect(await problems(code, "lib/brokers/rabbitmq/some-helper.ts")).toEqual([]);
  });

  it("refuses process.env outside lib/config.ts", async () => {
    const code = `export const url = process.env.DATABASE_URL;\n`;
    const found = await problems(code, "lib/db/somewhere.ts");
    expect(found).toEqual([
      expect.objectContaining({ rule: "no-restricted-properties", message: expect.stringContaining("Only lib/config.ts reads process.env") }),
    ]);
    expect(await problems(code, "lib/config.ts")).toEqual([]);
  });

  it("refuses an explicit any", async () => {
    const found = await problems(`export function f(x: any): number {\n  return x;\n}\n`, "lib/health/f.ts");
    expect(found.map((f) => f.rule)).toEqual(["@typescript-eslint/no-explicit-any"]);
  });
});

// Redrive's own lint rules: the layering the compiler cannot see.

import path from "node:path";
import { findServerModules, findZodModules, isServerPackage, resolveImport } from "./server-modules.mjs";

let cache = null;
function modules(root) {
  if (!cache || cache.root !== root) cache = { root, server: findServerModules(root), zod: findZodModules(root) };
  return cache;
}

function isTypeOnly(node) {
  if (node.importKind === "type" || node.exportKind === "type") return true;
  const specifiers = node.specifiers ?? [];
  // `import { type A, type B } from "x"` is erased too; `import "x"` (no specifiers) is not.
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
}

/** @type {import("eslint").Rule.RuleModule} */
const noServerImport = {
  meta: {
    type: "problem",
    docs: { description: "Browser code (components, client hooks) imports no server module, and no zod: it reaches the server through /api." },
    schema: [],
    messages: {
      serverModule:
        '"{{spec}}" is a server module ({{why}}). Browser code must not import it: read it through an /api route and a lib/queries hook, or move the client-safe part into a module of its own with no server imports (as lib/<domain>/<list>-list-params.ts are).',
      serverPackage: '"{{spec}}" runs only on the server. Browser code must not import it: read what it gives through an /api route and a lib/queries hook.',
      zod: "\"{{spec}}\" brings zod into the browser bundle ({{why}}). Schemas are the routes' to parse with: build a query with the list's typed params builder (lib/<domain>/<list>-list-params.ts), or import the schema's type only.",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = path.resolve(root, context.filename);
    function check(node, source) {
      if (!source || typeof source.value !== "string") return;
      const spec = source.value;
      if (isServerPackage(spec)) {
        context.report({ node: source, messageId: "serverPackage", data: { spec } });
        return;
      }
      if (spec === "zod" || spec.startsWith("zod/")) {
        context.report({ node: source, messageId: "zod", data: { spec, why: "the validation library itself" } });
        return;
      }
      const target = resolveImport(root, file, spec);
      if (!target) return;
      if (target.startsWith(path.join(root, "lib", "db", "generated") + path.sep)) {
        context.report({ node: source, messageId: "serverModule", data: { spec, why: "the Prisma client" } });
        return;
      }
      const { server, zod } = modules(root);
      const why = server.get(target);
      if (why) {
        context.report({ node: source, messageId: "serverModule", data: { spec, why } });
        return;
      }
      const zodWhy = zod.get(target);
      if (zodWhy) context.report({ node: source, messageId: "zod", data: { spec, why: zodWhy } });
    }
    return {
      ImportDeclaration(node) {
        if (!isTypeOnly(node)) check(node, node.source);
      },
      ExportNamedDeclaration(node) {
        if (node.source && !isTypeOnly(node)) check(node, node.source);
      },
      ExportAllDeclaration(node) {
        if (node.exportKind !== "type") check(node, node.source);
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source);
      },
    };
  },
};

export default { meta: { name: "redrive" }, rules: { "no-server-import": noServerImport } };

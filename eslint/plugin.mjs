// Redrive's own lint rules: the layering the compiler cannot see.

import path from "node:path";
import { findServerModules, isServerPackage, resolveImport } from "./server-modules.mjs";

let cache = null;
function serverModules(root) {
  if (!cache || cache.root !== root) cache = { root, modules: findServerModules(root) };
  return cache.modules;
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
    docs: { description: "Browser code (components, client hooks) imports no server module: it reaches the server through /api." },
    schema: [],
    messages: {
      serverModule:
        '"{{spec}}" is a server module ({{why}}). Browser code must not import it: read it through an /api route and a lib/queries hook, or move the client-safe part into a module of its own with no server imports (as lib/<domain>/<list>-list-query.ts are).',
      serverPackage: '"{{spec}}" runs only on the server. Browser code must not import it: read what it gives through an /api route and a lib/queries hook.',
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
      const target = resolveImport(root, file, spec);
      if (!target) return;
      if (target.startsWith(path.join(root, "lib", "db", "generated") + path.sep)) {
        context.report({ node: source, messageId: "serverModule", data: { spec, why: "the Prisma client" } });
        return;
      }
      const why = serverModules(root).get(target);
      if (why) context.report({ node: source, messageId: "serverModule", data: { spec, why } });
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

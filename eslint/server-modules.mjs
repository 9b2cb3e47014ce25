// Which files under lib/ and app/ are server modules: the ones that import "server-only" or a
// server-side package, and every file that imports one of those (a browser bundle that pulls in
// a server module through a harmless-looking helper is as broken as one that imports it directly).
// Computed from the sources each time lint runs, so a new server module is covered without a list
// to keep up to date.

import fs from "node:fs";
import path from "node:path";

/** Packages that only run on the server (or carry credentials): importing one makes a file a server module. */
export const SERVER_PACKAGES = [
  "server-only",
  "amqplib",
  "pg",
  "@prisma/client",
  "@prisma/adapter-pg",
  "@electric-sql/pglite",
  "pglite-prisma-adapter",
  "prom-client",
];
export const SERVER_PACKAGE_PREFIXES = ["@nats-io/", "node:", "@prisma/"];

const EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs", ".js"];
const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export function isServerPackage(spec) {
  return SERVER_PACKAGES.includes(spec) || SERVER_PACKAGE_PREFIXES.some((p) => spec.startsWith(p));
}

/** The file an import specifier names, or null for packages and files that do not exist. */
export function resolveImport(root, fromFile, spec) {
  let base;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith("./") || spec.startsWith("../")) base = path.resolve(path.dirname(fromFile), spec);
  else return null;
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, "index" + e))];
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not this candidate
    }
  }
  return null;
}

function walk(dir, out) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) continue;
      walk(p, out);
    } else if (EXTENSIONS.includes(path.extname(e.name))) out.push(p);
  }
  return out;
}

/** Value imports of a source text (type-only imports are erased and never reach a bundle). */
export function valueImports(text) {
  const specs = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    if (m[1]) continue;
    const spec = m[2] ?? m[3];
    if (spec) specs.push(spec);
  }
  return specs;
}

/** Map of absolute path → why it is a server module (a sentence fragment naming the first reason). */
export function findServerModules(root) {
  return findModulesReaching(root, isServerPackage, true);
}

/**
 * Modules that pull zod into a bundle at run time. The schemas are the routes' (they parse); the
 * browser builds its queries with builders typed by them (lib/<domain>/<list>-list-params.ts), so
 * the validation library does not ship to every page.
 */
export function findZodModules(root) {
  return findModulesReaching(root, (spec) => spec === "zod" || spec.startsWith("zod/"), false);
}

function findModulesReaching(root, isTargetPackage, prismaCounts) {
  const files = [...walk(path.join(root, "lib"), []), ...walk(path.join(root, "app"), [])];
  const generated = path.join(root, "lib", "db", "generated");
  const reasons = new Map();
  const importers = new Map();
  for (const file of files) {
    const specs = valueImports(fs.readFileSync(file, "utf8"));
    for (const spec of specs) {
      if (isTargetPackage(spec)) {
        if (!reasons.has(file)) reasons.set(file, `imports "${spec}"`);
        continue;
      }
      const target = resolveImport(root, file, spec);
      if (!target) continue;
      if (prismaCounts && target.startsWith(generated + path.sep)) {
        if (!reasons.has(file)) reasons.set(file, "imports the Prisma client");
        continue;
      }
      if (!importers.has(target)) importers.set(target, []);
      importers.get(target).push(file);
    }
  }
  // Spread "server" from each server module to everything that imports it.
  const queue = [...reasons.keys()];
  while (queue.length) {
    const file = queue.shift();
    for (const importer of importers.get(file) ?? []) {
      if (reasons.has(importer)) continue;
      reasons.set(importer, `imports ${path.relative(root, file)}, which ${reasons.get(file)}`);
      queue.push(importer);
    }
  }
  return reasons;
}

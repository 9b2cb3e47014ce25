import { readFileSync } from "node:fs";
import path from "node:path";

// `npm start` (package.json) is the one place that says how Redrive's server is run: the allocator's
// setting in the environment, Node with the V8 heap's bounds, then server.mjs. The image, the
// deployment examples and the bench run exactly this; their tests and the bench read it from here.

export type NpmStart = {
  /** Variables the script sets before node (`NAME=value node …`): the image sets the same with ENV. */
  env: Record<string, string>;
  /** The command line: node, its flags, server.mjs. */
  command: string[];
};

/** Parses package.json's start script; throws when it is not `[NAME=value …] node [flags] server.mjs`. */
export function npmStart(root: string = process.cwd()): NpmStart {
  const script = String((JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start);
  const words = script.split(" ");
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=\S*$/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  if (words[0] !== "node" || words[words.length - 1] !== "server.mjs") throw new Error(`package.json's start script is "${script}": expected [NAME=value …] node [flags] server.mjs.`);
  return { env, command: words };
}

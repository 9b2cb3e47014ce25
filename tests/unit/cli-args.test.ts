import { describe, expect, it } from "vitest";
import { parseArgs as parseBenchArgs } from "../../scripts/bench/args";
import { parseCli, UsageError } from "../../scripts/cli-args";
import { parseArgs as parseDemoArgs } from "../../scripts/demo/args";
import { parseLoadArgs } from "../../scripts/load/args";

const FLAGS = { out: { type: "string" }, quick: { type: "boolean" } } as const;
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("accepted");
};

describe("the scripts' flag parser", () => {
  it("answers help first, whatever else is on the line, but not after --", () => {
    expect(parseCli(["--bogus", "--help"], FLAGS)).toBe("help");
    expect(parseCli(["-h"], FLAGS)).toBe("help");
    expect(refusal(() => parseCli(["--", "--help"], FLAGS))).toBe('Unexpected argument "--help": this command takes options only.');
  });

  it("parses known flags, inline or spaced", () => {
    expect(parseCli(["--out=a.md", "--quick"], FLAGS)).toEqual({ out: "a.md", quick: true });
    expect(parseCli(["--out", "b.md"], FLAGS)).toEqual({ out: "b.md" });
  });

  it("refuses unknown flags, missing values and stray arguments with one sentence", () => {
    expect(refusal(() => parseCli(["--bogus"], FLAGS))).toBe('Unknown option "--bogus".');
    expect(refusal(() => parseCli(["--out"], FLAGS))).toMatch(/^Option '--out <value>' argument missing\.$/);
    expect(refusal(() => parseCli(["stray"], FLAGS))).toBe('Unexpected argument "stray": this command takes options only.');
  });

  it("keeps each script's own checks and defaults", () => {
    expect(refusal(() => parseLoadArgs(["--clients", "0"]))).toBe('--clients must be a whole number from 1 to 500, got "0".');
    expect(refusal(() => parseLoadArgs(["--out", "x.json", "--no-write"]))).toBe("--out and --no-write cannot both be given.");
    expect(parseLoadArgs(["--quick", "--clients=7"])).toMatchObject({ quick: true, clients: 7, queues: 500, out: "docs/figures/load.json" });
    expect(parseBenchArgs(["--quick", "--no-write", "--keep"])).toMatchObject({ quick: true, out: null, keep: true, queues: 500, load: false });
    expect(refusal(() => parseBenchArgs(["--rounds", "1.5"]))).toBe('--rounds must be a whole number from 1 to 50, got "1.5".');
    expect(parseDemoArgs(["--prefix", "t1-", "--rate-scale", "2"])).toEqual({ prefix: "t1-", seconds: undefined, rateScale: 2, help: false });
    expect(refusal(() => parseDemoArgs(["--seconds=-3"]))).toMatch(/^--seconds must be a number greater than 0/);
    expect(refusal(() => parseDemoArgs(["--seconds", "-3"]))).toBe("Option '--seconds' argument is ambiguous. Did you forget to specify the option argument for '--seconds'? To specify an option argument starting with a dash use '--seconds=-XYZ'.");
    expect(refusal(() => parseDemoArgs(["--prefix", "bad prefix"]))).toMatch(/^Invalid prefix "bad prefix"/);
  });
});

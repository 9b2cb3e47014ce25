import { isIP } from "node:net";

// Which addresses a webhook may be sent to. Redrive runs next to brokers, databases and cloud
// metadata services; an admin-made (or config-made) channel must not turn it into a way to reach
// them. Pure: no lookups here.

type Range = { base: number[]; bits: number; says: string };

const V4: Range[] = [
  { base: [0, 0, 0, 0], bits: 8, says: "an unspecified (0.0.0.0/8) address" },
  { base: [10, 0, 0, 0], bits: 8, says: "a private (10.0.0.0/8) address" },
  { base: [100, 64, 0, 0], bits: 10, says: "a carrier-grade NAT (100.64.0.0/10) address" },
  { base: [127, 0, 0, 0], bits: 8, says: "a loopback (127.0.0.0/8) address" },
  { base: [169, 254, 169, 254], bits: 32, says: "the cloud metadata address" },
  { base: [169, 254, 0, 0], bits: 16, says: "a link-local (169.254.0.0/16) address" },
  { base: [172, 16, 0, 0], bits: 12, says: "a private (172.16.0.0/12) address" },
  { base: [192, 0, 0, 0], bits: 24, says: "an IETF protocol (192.0.0.0/24) address" },
  { base: [192, 168, 0, 0], bits: 16, says: "a private (192.168.0.0/16) address" },
  { base: [198, 18, 0, 0], bits: 15, says: "a benchmarking (198.18.0.0/15) address" },
  { base: [224, 0, 0, 0], bits: 4, says: "a multicast address" },
  { base: [240, 0, 0, 0], bits: 4, says: "a reserved (240.0.0.0/4) or broadcast address" },
];

function inRange(bytes: number[], r: Range): boolean {
  let left = r.bits;
  for (let i = 0; i < r.base.length && left > 0; i++, left -= 8) {
    const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== (r.base[i]! & mask)) return false;
  }
  return true;
}

function v4Problem(bytes: number[]): string | null {
  return V4.find((r) => inRange(bytes, r))?.says ?? null;
}

/** The 16 bytes of an IPv6 address (with "::" and a dotted IPv4 tail), or null when it is not one. */
function v6Bytes(text: string): number[] | null {
  let s = text;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    tail.push(...dotted[1]!.split(".").map(Number));
    s = s.slice(0, -dotted[1]!.length) + "0:0";
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const words = (h: string) => (h === "" ? [] : h.split(":").map((w) => parseInt(w, 16)));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const all = [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...rest];
  if (all.length !== 8 || all.some((w) => Number.isNaN(w) || w < 0 || w > 0xffff)) return null;
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function v6Problem(b: number[]): string | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 16)) return "the unspecified address (::)";
  if (zero(0, 15) && b[15] === 1) return "the loopback address (::1)";
  // Forms that carry an IPv4 address: judged by the IPv4 address inside.
  const v4 = (at: number, form: string) => {
    const p = v4Problem(b.slice(at, at + 4));
    return p ? `${p} in ${form} form` : null;
  };
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12, "IPv4-mapped IPv6");
  if (zero(0, 12)) return v4(12, "IPv4-compatible IPv6") ?? "a reserved IPv6 (::/96) address";
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12, "NAT64");
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2, "6to4");
  if ((b[0]! & 0xfe) === 0xfc) return "a unique-local (fc00::/7) address";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return "a link-local (fe80::/10) address";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return "a site-local (fec0::/10) address";
  if (b[0] === 0xff) return "a multicast address";
  return null;
}

/**
 * Why an address is not a public one a webhook may go to ("a loopback (127.0.0.0/8) address"), or
 * null when it is. Text that is not an IP address is refused as such.
 */
export function privateAddressProblem(address: string): string | null {
  const a = address.replace(/^\[|\]$/g, "");
  switch (isIP(a)) {
    case 4:
      return v4Problem(a.split(".").map(Number));
    case 6: {
      const bytes = v6Bytes(a.toLowerCase());
      return bytes ? v6Problem(bytes) : "not an address Redrive can read";
    }
    default:
      return "not an IP address";
  }
}

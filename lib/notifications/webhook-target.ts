import "server-only";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { describeError } from "@/lib/errors";
import { privateAddressProblem } from "./address-class";

/** Turns a host name into its addresses (the system resolver by default: /etc/hosts, then DNS). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export type WebhookTargetOptions = {
  /** `notifications.allowPrivateTargets`: also send to private, loopback and link-local addresses. */
  allowPrivateTargets: boolean;
  resolve?: Resolver;
};

/** Where to send: the URL, its host name (for Host and TLS), and the one address checked for it, which the connection must use. */
export type VettedTarget = { url: URL; hostname: string; address: string; family: 4 | 6 };

const ALLOW_HINT = "Redrive sends notifications only to public addresses; to allow private, loopback and link-local ones (a receiver on the same network), set notifications.allowPrivateTargets: true in the configuration.";

/**
 * Resolves a webhook URL's host and checks every address it names. Refused (with a sentence that
 * never holds the URL's path, which may be its secret): an address that is private (10/8,
 * 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16, fe80::/10, the cloud metadata
 * address), unspecified, carrier-grade NAT (100.64/10), multicast or reserved, in any spelling the
 * URL parser accepts (0x7f000001, 2130706433, [::ffff:127.0.0.1], …) — unless allowed by config.
 * The caller connects to the returned address only, so a name that resolves differently a moment
 * later (DNS rebinding) cannot move the request elsewhere.
 */
export async function vetWebhookTarget(rawUrl: string, options: WebhookTargetOptions): Promise<VettedTarget | { refused: string }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { refused: "Refused: the webhook URL is not a valid URL." };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { refused: "Refused: the webhook URL must start with http:// or https://." };
  // WHATWG parsing has already turned 0x7f000001, 2130706433 or 127.1 into 127.0.0.1.
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(hostname);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(hostname);
    } catch (e) {
      return { refused: `Refused: the webhook host "${hostname}" could not be resolved (${describeError(e).split(rawUrl).join("<url>")}), so Redrive cannot tell where it points. Check the host name.` };
    }
    if (addresses.length === 0) return { refused: `Refused: the webhook host "${hostname}" resolves to no address.` };
  }
  if (!options.allowPrivateTargets) {
    for (const a of addresses) {
      const problem = privateAddressProblem(a.address);
      if (problem) {
        const where = literal ? `the webhook address ${a.address} is ${problem}` : `the webhook host "${hostname}" resolves to ${a.address}, ${problem}`;
        return { refused: `Refused: ${where}. ${ALLOW_HINT}` };
      }
    }
  }
  const first = addresses[0]!;
  return { url, hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
}

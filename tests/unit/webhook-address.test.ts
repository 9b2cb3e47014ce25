import { describe, expect, it } from "vitest";
import { privateAddressProblem } from "@/lib/notifications/address-class";

describe("which addresses a webhook may go to", () => {
  it("refuses loopback, private, link-local, metadata, unspecified and CGNAT addresses, in IPv4 and IPv6", () => {
    const refused: Array<[string, RegExp]> = [
      ["127.0.0.1", /loopback/],
      ["127.255.0.9", /loopback/],
      ["::1", /loopback/],
      ["[::1]", /loopback/],
      ["0.0.0.0", /unspecified/],
      ["::", /unspecified/],
      ["10.20.30.40", /private \(10/],
      ["172.16.0.1", /private \(172\.16/],
      ["172.31.255.255", /private \(172\.16/],
      ["192.168.1.1", /private \(192\.168/],
      ["169.254.169.254", /cloud metadata/],
      ["169.254.1.2", /link-local/],
      ["100.64.0.1", /carrier-grade NAT/],
      ["100.127.255.254", /carrier-grade NAT/],
      ["fe80::1", /link-local \(fe80/],
      ["febf::1", /link-local \(fe80/],
      ["fc00::1", /unique-local/],
      ["fd12:3456::1", /unique-local/],
      ["::ffff:127.0.0.1", /loopback .* IPv4-mapped/],
      ["::ffff:7f00:1", /loopback .* IPv4-mapped/],
      ["::ffff:169.254.169.254", /cloud metadata .* IPv4-mapped/],
      ["::ffff:10.0.0.1", /private .* IPv4-mapped/],
      ["::127.0.0.1", /loopback .* IPv4-compatible/],
      ["64:ff9b::a9fe:a9fe", /cloud metadata .* NAT64/],
      ["2002:7f00:1::", /loopback .* 6to4/],
      ["224.0.0.1", /multicast/],
      ["255.255.255.255", /reserved/],
      ["ff02::1", /multicast/],
      ["not-an-ip", /not an IP/],
    ];
    expect(refused.map(([a]) => [a, privateAddressProblem(a)]).filter(([, p]) => p === null)).toEqual([]);
    for (const [a, why] of refused) expect(privateAddressProblem(a), a).toMatch(why);
  });

  it("lets public addresses through", () => {
    for (const a of ["93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "169.253.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2001:db8::1", "192.0.2.10"]) {
      expect(privateAddressProblem(a), a).toBeNull();
    }
  });
});

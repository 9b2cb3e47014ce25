import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";
import { ROLE_PERMISSIONS } from "@/lib/auth/permissions";
import { safeNext } from "@/lib/auth/safe-next";
import { hashSecret, newSecret } from "@/lib/auth/secrets";

describe("passwords", () => {
  it("are stored as salted scrypt hashes that verify only the same password", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("horse");
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("never match a malformed stored hash", async () => {
    for (const stored of ["", "plain", "scrypt$1$1$1$$", "bcrypt$x$y$z$a$b", "scrypt$32768$8$1$c2FsdA==$c2hvcnQ="]) {
      expect(await verifyPassword("anything at all", stored)).toBe(false);
    }
  });

  it("must be 12 to 1024 characters", () => {
    expect(passwordProblem("short")).toBe("The password must be at least 12 characters long.");
    expect(passwordProblem("x".repeat(1025))).toBe("The password must be at most 1024 characters long.");
    expect(passwordProblem("twelve chars")).toBeNull();
  });
});

describe("secrets", () => {
  it("are random with a readable prefix and stored only as their SHA-256", () => {
    const s = newSecret("rdt");
    expect(s).toMatch(/^rdt_[A-Za-z0-9_-]{43}$/);
    expect(newSecret("rdt")).not.toBe(s);
    expect(hashSecret(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(s)).toBe(hashSecret(s));
  });
});

describe("where sign-in goes next", () => {
  it("follows paths on Redrive only", () => {
    expect(safeNext("/consumers/1?from=2026-11-20T03:00:00Z&to=x")).toBe("/consumers/1?from=2026-11-20T03:00:00Z&to=x");
    for (const evil of ["//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "", undefined, null, "/sign-in?next=/x", "/setup?token=a", "/a\nb"]) {
      expect(safeNext(evil)).toBe("/");
    }
    expect(safeNext(["/jobs", "/x"])).toBe("/jobs");
  });
});

describe("roles", () => {
  it("nest: every viewer permission is an operator's, every operator permission an admin's", () => {
    for (const p of ROLE_PERMISSIONS.viewer) expect(ROLE_PERMISSIONS.operator.has(p)).toBe(true);
    for (const p of ROLE_PERMISSIONS.operator) expect(ROLE_PERMISSIONS.admin.has(p)).toBe(true);
    expect(ROLE_PERMISSIONS.viewer.has("dead-letters:payload")).toBe(false);
    expect(ROLE_PERMISSIONS.operator.has("users:manage")).toBe(false);
  });
});

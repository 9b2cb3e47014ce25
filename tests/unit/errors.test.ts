import { describe, expect, it } from "vitest";
import { AppError, ERROR_STATUS, describeError, redactSecrets } from "@/lib/errors";

describe("errors", () => {
  it("masks passwords in URLs wherever they appear", () => {
    expect(redactSecrets("failed amqp://ops:hunter2@rmq:5672/ and postgres://u:p%40ss@db/x")).toBe("failed amqp://ops:***@rmq:5672/ and postgres://u:***@db/x");
    expect(redactSecrets("nats://host:4222")).toBe("nats://host:4222");
  });

  it("describes errors on one line, with their code, without secrets", () => {
    const e = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1\n  at amqp://a:b@h"), { code: "ECONNREFUSED" });
    expect(describeError(e)).toBe("connect ECONNREFUSED 127.0.0.1:1 at amqp://a:***@h");
    const silent = Object.assign(new Error(""), { code: "ETIMEDOUT" });
    expect(describeError(silent)).toBe("ETIMEDOUT");
    expect(describeError(new AggregateError([new Error("one"), new Error("two")]))).toBe("one; two");
  });

  it("maps every code to an HTTP status and keeps the cause", () => {
    const cause = new Error("root");
    const e = new AppError("CONFLICT", "taken", { cause });
    expect(e.status).toBe(ERROR_STATUS.CONFLICT);
    expect(e.cause).toBe(cause);
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
  });
});

describe("isAppError", () => {
  it("recognises an AppError made by another copy of the module, and nothing else", async () => {
    const { isAppError } = await import("@/lib/errors");
    class ForeignAppError extends Error {
      code = "NOT_FOUND";
      override name = "AppError";
    }
    expect(isAppError(new AppError("CONFLICT", "x"))).toBe(true);
    expect(isAppError(new ForeignAppError("gone"))).toBe(true);
    expect(isAppError(Object.assign(new Error("y"), { name: "AppError", code: "MADE_UP" }))).toBe(false);
    expect(isAppError(new Error("plain"))).toBe(false);
  });
});

import "server-only";
import net from "node:net";
import { AppError, describeError } from "@/lib/errors";
import type { ControlAnswer, ControlRequest } from "./serve-store-control";
import { describeOwner, type StoreOwner } from "./read-store-owner";

/** Sends one request to the process that owns an embedded store and returns its answer. */
export async function askStoreOwner(owner: StoreOwner, request: ControlRequest, timeoutMs = 120_000): Promise<unknown> {
  const address = owner.control;
  if (!address) throw new AppError("STORE_UNAVAILABLE", `${describeOwner(owner)} holds the embedded store and offers no control socket to ask; stop it, then run this again.`);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(address);
    let got = "";
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (d: string) => (got += d));
    socket.on("end", () => (clearTimeout(timer), resolve(got)));
    socket.on("error", (e) => (clearTimeout(timer), reject(e)));
  }).catch((e: unknown) => {
    throw new AppError("STORE_UNAVAILABLE", `Could not ask ${describeOwner(owner)}, which holds the embedded store, through ${address}: ${describeError(e)}.`, { cause: e });
  });
  let a: ControlAnswer;
  try {
    a = JSON.parse(text) as ControlAnswer;
  } catch {
    throw new AppError("STORE_UNAVAILABLE", `${describeOwner(owner)} gave no readable answer through ${address}${text ? "" : " (the connection closed: it may be stopping)"}.`);
  }
  if (!a.ok) throw new AppError("STORE_UNAVAILABLE", `${describeOwner(owner)} could not do it: ${a.error}`);
  return a.result;
}

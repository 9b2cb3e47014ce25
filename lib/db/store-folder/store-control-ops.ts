import "server-only";
import type { SqlRunner } from "../sql-runner";
import type { ControlRequest } from "./serve-store-control";

// What the owner of an embedded store answers on its control socket, each op run in one snapshot
// of the store. The ops belong to the folders that know them (audit:verify to lib/audit): they
// register here, so the store does not import the domains that use it. Kept on globalThis, as the
// store itself is, so every bundle of the server sees the same table.

export type StoreControlOp = (runner: SqlRunner, request: ControlRequest) => Promise<unknown>;

const holder = globalThis as typeof globalThis & { __redriveStoreControlOps?: Map<ControlRequest["op"], StoreControlOp> };

export function answerStoreControl(op: ControlRequest["op"], run: StoreControlOp): void {
  holder.__redriveStoreControlOps ??= new Map();
  holder.__redriveStoreControlOps.set(op, run);
}

export function storeControlOp(op: ControlRequest["op"]): StoreControlOp | undefined {
  return holder.__redriveStoreControlOps?.get(op);
}

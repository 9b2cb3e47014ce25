import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "say who is signed in", permission: "signed-in" }, ({ principal }) =>
  Promise.resolve({ id: principal.id, name: principal.name, kind: principal.kind, role: principal.role, permissions: [...principal.permissions] }),
);

import { changePassword, changePasswordBody } from "@/lib/auth/change-password";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const POST = defineRoute({ action: "change your password", permission: "signed-in", body: changePasswordBody }, ({ body, principal, address }) =>
  changePassword(body, principal, address),
);

import { listDlqs } from "@/lib/dead-letters/list-dlqs";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "list dead-letter queues", permission: "dead-letters:read" }, () => listDlqs());

import { z } from "zod";
import { getLetterPayload } from "@/lib/dead-letters/get-letter";
import { defineRoute } from "@/lib/http/define-route";

export const dynamic = "force-dynamic";

export const GET = defineRoute({ action: "download a payload", permission: "dead-letters:payload", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  const { bytes } = await getLetterPayload(params.id);
  // Always a download of opaque bytes: never rendered by the browser, whatever the producer claimed.
  return new Response(Buffer.from(bytes), {
    status: 200,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="dead-letter-${params.id}.bin"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
});

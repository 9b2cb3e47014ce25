import { chunkAuditSuite } from "../support/chunk-audit-suite";

chunkAuditSuite("embedded");

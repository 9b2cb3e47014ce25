import { principalFor } from "@/lib/auth/permissions";

/** The principals integration tests act as when they call lib functions directly. */
export const TEST_OPERATOR = principalFor("user", "00000000-0000-4000-8000-000000000001", "test-operator", "operator");
export const TEST_ADMIN = principalFor("user", "00000000-0000-4000-8000-000000000003", "test-admin", "admin");

import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { UsersAdmin } from "@/components/settings/users-admin";
import { requirePagePermission } from "@/lib/auth/require-page-permission";

export const metadata: Metadata = { title: "Users & tokens" };

export default async function Page() {
  await requirePagePermission("users:manage");
  return (
    <>
      <PageHeader title="Users & tokens" description="Who may use Redrive and with which role. Every change here is recorded in the audit log." />
      <UsersAdmin />
    </>
  );
}

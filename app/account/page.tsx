import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Account" };

export default function Page() {
  return (
    <>
      <PageHeader title="Account" description="Your sign-in. Sessions end after 30 minutes without activity and 8 hours after signing in (unless configured otherwise)." />
      <ChangePasswordForm />
    </>
  );
}

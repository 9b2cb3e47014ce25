import type { Metadata } from "next";
import { Suspense } from "react";
import { JobListView } from "@/components/jobs/job-list-view";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Every requeue, terminate and restore, newest first: what was asked, by whom, how far it got and how each letter ended. Start one from Dead letters."
      />
      {/* The state filter is read from the URL, which only the browser has at render time. */}
      <Suspense fallback={<p className="py-12 text-center text-sm text-zinc-500">Loading jobs…</p>}>
        <JobListView />
      </Suspense>
    </>
  );
}

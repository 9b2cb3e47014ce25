import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function Forbidden() {
  return (
    <EmptyState title="Your role cannot open this page">
      Ask an admin for a role that includes it. <Link className="underline" href="/">Back to the Overview</Link>.
    </EmptyState>
  );
}

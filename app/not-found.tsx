import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState title="Nothing here">
      This page does not exist (any more). <Link className="underline" href="/">Back to the Overview</Link>.
    </EmptyState>
  );
}

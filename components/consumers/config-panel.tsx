import { Card } from "@/components/ui/card";
import type { HealthThresholds } from "@/lib/health/types";
import { formatConfigValue, formatCount, formatDuration, formatPercent, formatRate } from "./format";

/** The broker's own settings for this consumer, exactly as reported: keys and values as text. */
export function ConfigPanel({ config }: { config: Record<string, unknown> }) {
  const entries = Object.entries(config);
  return (
    <Card data-testid="consumer-config" className="min-w-0">
      <h2 className="text-sm font-semibold">Broker configuration</h2>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">As the broker reports it at the last sample.</p>
      {entries.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-500 dark:text-zinc-400">The broker reported no settings for it.</p>
      ) : (
        <dl className="mt-3 grid grid-cols-[minmax(8rem,max-content)_1fr] gap-x-4 gap-y-1.5 text-sm">
          {entries.map(([key, value]) => {
            const text = formatConfigValue(value);
            return (
              <div key={key} className="contents" data-testid="config-entry" data-key={key}>
                <dt className="font-mono text-xs leading-5 wrap-anywhere text-zinc-500 dark:text-zinc-400">{key}</dt>
                <dd className="min-w-0">
                  {text.includes("\n") ? (
                    <pre className="overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre dark:bg-zinc-950">{text}</pre>
                  ) : (
                    <span className="font-mono text-xs leading-5 wrap-anywhere">{text}</span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </Card>
  );
}

/** The rules' thresholds in force, so an operator can see why a state was chosen. */
export function ThresholdsPanel({ thresholds: t }: { thresholds: HealthThresholds }) {
  return (
    <Card data-testid="consumer-thresholds" className="min-w-0">
      <h2 className="text-sm font-semibold">Health rules in force</h2>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">Each state is judged over the last {formatDuration(t.windowSeconds)} of samples.</p>
      <ul className="mt-3 space-y-1.5 text-sm">
        <li>
          <b className="font-medium">Lagging</b>: the backlog grew by at least {formatCount(t.lagMinGrowth)} messages over the window.
        </li>
        <li>
          <b className="font-medium">Stalled</b>: messages waiting, consumers attached, and nothing acknowledged for {formatDuration(t.stallSeconds)}.
        </li>
        <li>
          <b className="font-medium">Stopped</b>: messages waiting and no consumer attached.
        </li>
        <li>
          <b className="font-medium">Failing</b>: redeliveries above {formatPercent(t.redeliveryRatio)} of deliveries, or more than{" "}
          {formatRate(t.deadLetterPerMinute)} dead letters a minute where that is known.
        </li>
        <li>
          <b className="font-medium">Unknown</b>: the broker could not be read; the last values are kept, with their age.
        </li>
        <li>
          <b className="font-medium">Missing</b>: listed in <code>expectedConsumers</code>, and absent from the broker or with fewer consumers attached than it asks for.
        </li>
      </ul>
    </Card>
  );
}

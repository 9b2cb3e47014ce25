"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { input, label, muted, primary, secondary, td, th } from "@/components/notifications/styles";
import { Badge } from "@/components/ui/badge";
import { useExpectedChange, useExpectedConsumers } from "@/lib/queries/use-expected-consumers";
import { LoadError } from "./load-error";
import { consumersHref } from "./list-params";

/** /settings/expected-consumers: the configuration's (read-only) and the admins' own, with what each covers now. */
export function ExpectedConsumersView() {
  const { data, error } = useExpectedConsumers();
  const change = useExpectedChange();
  const [cluster, setCluster] = useState("");
  const [key, setKey] = useState("");
  const [min, setMin] = useState("1");
  const [done, setDone] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const body = { cluster: cluster || data?.clusters[0] || "", key: key.trim(), minConsumers: Number(min) || 1 };
    change.mutate(
      { method: "POST", body },
      {
        onSuccess: () => {
          setDone(`Added ${body.key}: the next sweep holds ${body.cluster} to it.`);
          setKey("");
        },
      },
    );
  };

  return (
    <div>
      {error ? <LoadError what="the expected consumers" error={error} hasData={Boolean(data)} testId="expected-error" /> : null}
      {!data ? (
        error ? null : <p className={`py-6 text-sm ${muted}`}>Loading…</p>
      ) : (
        <>
          <table className="mb-6 w-full text-sm" data-testid="expected-table">
            <thead>
              <tr>
                <th className={th}>Cluster</th>
                <th className={th}>Name or pattern</th>
                <th className={th}>At least</th>
                <th className={th}>Now</th>
                <th className={th}>From</th>
                <th className={th} />
              </tr>
            </thead>
            <tbody>
              {data.items.length === 0 ? (
                <tr>
                  <td className={`${td} ${muted}`} colSpan={6}>
                    Nothing is expected yet.
                  </td>
                </tr>
              ) : null}
              {data.items.map((e) => (
                <tr key={`${e.source}:${e.cluster}:${e.key}`} data-testid="expected-row" data-key={e.key}>
                  <td className={td}>{e.cluster}</td>
                  <td className={`${td} font-mono wrap-anywhere`}>
                    <Link className="hover:underline" href={consumersHref({ cluster: e.cluster, q: e.key.includes("*") ? undefined : e.key.slice(e.key.indexOf("/") + 1) })}>
                      {e.key}
                    </Link>
                  </td>
                  <td className={td}>{e.minConsumers}</td>
                  <td className={td}>
                    {e.missing > 0 ? <Badge tone="bad">{e.missing} missing</Badge> : e.matched > 0 ? <Badge tone="ok">{e.matched} present</Badge> : <span className={muted}>next sweep</span>}
                  </td>
                  <td className={`${td} ${muted}`}>{e.source === "config" ? "configuration file" : `${e.createdBy ?? ""}`}</td>
                  <td className={td}>
                    {e.id ? (
                      <button type="button" className={secondary} disabled={change.isPending} onClick={() => e.id && change.mutate({ method: "DELETE", id: e.id })}>
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form onSubmit={submit} aria-label="Add an expected consumer" className="flex flex-wrap items-end gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="expected-form">
            <label className={label}>
              Cluster
              <select className={input} value={cluster || data.clusters[0] || ""} onChange={(e) => setCluster(e.target.value)}>
                {data.clusters.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label className={label}>
              stream/consumer or vhost/queue (* = anything)
              <input className={`${input} w-80`} value={key} onChange={(e) => setKey(e.target.value)} required placeholder="ORDERS/billing or shop/orders-*" data-testid="expected-key" />
            </label>
            <label className={label}>
              At least (consumers attached)
              <input className={`${input} w-28`} type="number" min={1} value={min} onChange={(e) => setMin(e.target.value)} required />
            </label>
            <button type="submit" className={primary} disabled={change.isPending}>
              Add
            </button>
          </form>
          {change.error ? (
            <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-300">
              {change.error.message}
            </p>
          ) : null}
          {done ? (
            <p role="status" className={`mt-2 text-sm ${muted}`}>
              {done}
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}

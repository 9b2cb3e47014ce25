import "server-only";
import type { ManagementClient } from "@/lib/brokers/rabbitmq/management-client";
import { isAppError } from "@/lib/errors";
import { queueId } from "./queue-id";
import { topicMatches } from "./topic-match";

// Finds the queues dead letters end up in: for every queue with a dead-letter exchange (from its
// arguments or policy — the argument wins), follow the exchange's bindings by exchange type,
// through exchange-to-exchange bindings and alternate exchanges, to the queues they reach.

export type QueueFacts = {
  vhost: string;
  name: string;
  messages: number;
  arguments: Record<string, unknown>;
  policy: Record<string, unknown>;
};

export type DlqFound = { vhost: string; queue: string; sources: string[]; foundBy: string; depth: number | null };
export type DiscoveryResult = { dlqs: DlqFound[]; problems: Array<{ source: string; problem: string }> };

type Exchange = { name: string; type: string; arguments?: Record<string, unknown> };
type Binding = { destination: string; destination_type: "queue" | "exchange"; routing_key: string };

const enc = encodeURIComponent;

function dlxOf(q: QueueFacts): { exchange: string; routingKey: string | null } | null {
  const exchange = q.arguments["x-dead-letter-exchange"] ?? q.policy["dead-letter-exchange"];
  if (typeof exchange !== "string") return null;
  const rk = q.arguments["x-dead-letter-routing-key"] ?? q.policy["dead-letter-routing-key"];
  return { exchange, routingKey: typeof rk === "string" ? rk : null };
}

export async function discoverDlqs(api: ManagementClient, queues: QueueFacts[], configured: Array<{ vhost: string; queue: string }> = []): Promise<DiscoveryResult> {
  const exchanges = new Map<string, Promise<{ exchange: Exchange | null; bindings: Binding[] }>>();
  const lookup = (vhost: string, name: string) => {
    const id = `${vhost}\u0000${name}`;
    let p = exchanges.get(id);
    if (!p) {
      p = (async () => {
        try {
          const exchange = await api.get<Exchange>(`/api/exchanges/${enc(vhost)}/${enc(name)}`);
          const bindings = await api.get<Binding[]>(`/api/exchanges/${enc(vhost)}/${enc(name)}/bindings/source`);
          return { exchange, bindings };
        } catch (e) {
          if (isAppError(e) && (e.details as { status?: number } | undefined)?.status === 404) return { exchange: null, bindings: [] };
          throw e;
        }
      })();
      exchanges.set(id, p);
    }
    return p;
  };

  const byName = new Map(queues.map((q) => [queueId(q.vhost, q.name), q]));
  const found = new Map<string, DlqFound>();
  const add = (vhost: string, queue: string, source: string | null, foundBy: string) => {
    const id = queueId(vhost, queue);
    const entry = found.get(id) ?? { vhost, queue, sources: [], foundBy, depth: byName.get(id)?.messages ?? null };
    if (source && !entry.sources.includes(source)) entry.sources.push(source);
    found.set(id, entry);
  };
  const problems: DiscoveryResult["problems"] = [];

  for (const q of queues) {
    const dlx = dlxOf(q);
    if (!dlx) continue;
    const source = queueId(q.vhost, q.name);
    if (dlx.exchange === "") {
      // The default exchange routes by queue name; without a routing key it uses the original keys.
      if (dlx.routingKey === null) continue;
      if (byName.has(queueId(q.vhost, dlx.routingKey))) add(q.vhost, dlx.routingKey, q.name, `dead-letter routing key of ${q.name}`);
      else problems.push({ source, problem: `its dead letters go to queue "${dlx.routingKey}" through the default exchange, and no such queue exists: they are dropped` });
      continue;
    }
    const targets = new Set<string>();
    const visited = new Set<string>();
    // Without a dead-letter routing key a message keeps its original keys, which cannot be known
    // ahead; the common case is a publish through the default exchange, keyed by the queue's name.
    const key = dlx.routingKey ?? q.name;
    const walk = async (exchangeName: string): Promise<boolean> => {
      if (visited.has(exchangeName)) return true;
      visited.add(exchangeName);
      const { exchange, bindings } = await lookup(q.vhost, exchangeName);
      if (!exchange) return false;
      const keyed = (b: Binding) => (exchange.type === "topic" ? topicMatches(b.routing_key, key) : b.routing_key === key);
      const guessByName = dlx.routingKey === null && (exchange.type === "direct" || exchange.type === "topic") && bindings.some(keyed);
      for (const b of bindings) {
        const matches =
          exchange.type === "fanout" || exchange.type === "headers" ? true : dlx.routingKey === null && !guessByName ? true : keyed(b);
        if (!matches) continue;
        if (b.destination_type === "queue") targets.add(b.destination);
        else await walk(b.destination);
      }
      const alternate = exchange.arguments?.["alternate-exchange"];
      if (typeof alternate === "string") await walk(alternate);
      return true;
    };
    const exists = await walk(dlx.exchange);
    if (!exists) {
      problems.push({ source, problem: `its dead-letter exchange "${dlx.exchange}" does not exist: its dead letters are dropped` });
    } else if (targets.size === 0) {
      problems.push({ source, problem: `its dead-letter exchange "${dlx.exchange}" routes ${dlx.routingKey === null ? "its messages" : `key "${dlx.routingKey}"`} to no queue: its dead letters are dropped` });
    }
    for (const t of targets) add(q.vhost, t, q.name, `dead-letter exchange of ${q.name}`);
  }
  for (const c of configured) add(c.vhost, c.queue, null, "configured");
  return { dlqs: [...found.values()], problems };
}

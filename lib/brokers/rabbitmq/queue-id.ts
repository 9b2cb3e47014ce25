/** "vhost/queue", the id Redrive uses for a RabbitMQ queue; the default vhost "/" gives "//queue". */
export function queueId(vhost: string, queue: string): string {
  return `${vhost}/${queue}`;
}

/** The inverse of queueId. A vhost other than "/" is taken not to contain "/". */
export function splitQueueId(id: string): { vhost: string; queue: string } {
  if (id.startsWith("//")) return { vhost: "/", queue: id.slice(2) };
  const i = id.indexOf("/");
  return i < 0 ? { vhost: "/", queue: id } : { vhost: id.slice(0, i), queue: id.slice(i + 1) };
}

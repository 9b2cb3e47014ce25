import "server-only";
import type { RabbitClusterConfig } from "@/lib/config";
import { AppError, describeError } from "@/lib/errors";

// The RabbitMQ management HTTP API. Every call carries a timeout and turns transport and HTTP
// failures into sentences an operator can act on.

export class ManagementClient {
  private readonly auth: string;

  constructor(
    private readonly cluster: Pick<RabbitClusterConfig, "name" | "managementUrl" | "user" | "password">,
    private readonly timeoutMs = 5000,
  ) {
    this.auth = "Basic " + Buffer.from(`${cluster.user}:${cluster.password}`).toString("base64");
  }

  /** `timeoutMs` overrides the client's for calls known to be slow (a page of 500 queues with stats). */
  async get<T>(path: string, options: { timeoutMs?: number } = {}): Promise<T> {
    const url = `${this.cluster.managementUrl}${path}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: this.auth, accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const reason = describeError(e);
      if (/timeout|aborted/i.test(reason)) {
        throw new AppError("TIMEOUT", `The RabbitMQ management API at ${this.cluster.managementUrl} did not answer within ${timeoutMs / 1000} s.`, { cause: e });
      }
      throw new AppError(
        "BROKER_UNREACHABLE",
        `Cannot reach the RabbitMQ management API at ${this.cluster.managementUrl} (${reason}). Is the rabbitmq_management plugin enabled (rabbitmq-plugins enable rabbitmq_management)?`,
        { cause: e },
      );
    }
    if (res.status === 401) {
      throw new AppError("BROKER_REFUSED", `The RabbitMQ management API refused the credentials of user "${this.cluster.user}" (401). Check the user and password for cluster "${this.cluster.name}".`, { details: { status: 401 } });
    }
    if (res.status === 403) {
      throw new AppError("BROKER_REFUSED", `User "${this.cluster.user}" may not use the RabbitMQ management API (403): give it the "monitoring" tag or higher.`, { details: { status: 403 } });
    }
    if (!res.ok) {
      const where = url.replace(/\?.*$/, "");
      const body = await res.json().then((b: { error?: unknown; reason?: unknown }) => b, () => null);
      if (body && typeof body.error === "string") {
        const reason = typeof body.reason === "string" ? body.reason : body.error;
        throw new AppError("BROKER_REFUSED", `The RabbitMQ management API refused ${where} (HTTP ${res.status}: ${reason}).`, { details: { status: res.status, error: body.error } });
      }
      throw new AppError("BROKER_UNREACHABLE", `The RabbitMQ management API at ${where} answered HTTP ${res.status}; is this the management port?`);
    }
    try {
      return (await res.json()) as T;
    } catch (e) {
      throw new AppError("BROKER_UNREACHABLE", `The RabbitMQ management API at ${this.cluster.managementUrl} answered with something that is not JSON; is this the management port?`, { cause: e });
    }
  }
}

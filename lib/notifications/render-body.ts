import type { ChannelType, NotificationMessage } from "./types";

// What a channel receives. "webhook": the message itself, as JSON, for any receiver to parse.
// "slack": Slack's incoming-webhook shape (text plus blocks), which Mattermost, Rocket.Chat and
// Teams' Slack-compatible endpoints accept too. Names from the brokers are escaped, never markup.

const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Slack shows this in each reader's own time zone; other clients show the ISO fallback. */
function slackDate(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

const ICON = { firing: ":red_circle:", resolved: ":large_green_circle:", test: ":wrench:" } as const;
const WORD = { firing: "FIRING", resolved: "RESOLVED", test: "TEST" } as const;

export function renderBody(type: ChannelType, m: NotificationMessage): Record<string, unknown> {
  if (type === "webhook") return m as unknown as Record<string, unknown>;
  const head = `${ICON[m.status]} *${WORD[m.status]}* ${slackEscape(m.title)}`;
  const text = `${head}\n${slackEscape(m.summary)}\n<${m.link}|Open in Redrive>`;
  const context = [`rule *${slackEscape(m.rule.name)}*`];
  if (m.incident) context.push(`incident #${m.incident.number}`, `since ${slackDate(m.incident.startedAt)}`);
  if (m.incident?.resolvedAt) context.push(`resolved ${slackDate(m.incident.resolvedAt)}`);
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${head}\n${slackEscape(m.summary)}` } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Redrive" }, url: m.link }] },
      { type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] },
    ],
  };
}

import { absoluteLink, incidentWindow, targetHref } from "./incident-link";
import type { IncidentTarget, NotificationMessage, RuleKind } from "./types";

export type IncidentFacts = {
  id: string;
  number: number;
  ruleId: string | null;
  ruleName: string;
  ruleKind: RuleKind | null;
  target: IncidentTarget;
  title: string;
  summary: string;
  startedAt: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
};

/** The message for one incident event, with its deep link at the incident's absolute time window. */
export function buildMessage(i: IncidentFacts, status: "firing" | "resolved", publicUrl: string): NotificationMessage {
  const window = incidentWindow(i);
  return {
    version: 1,
    status,
    title: i.title,
    summary: i.summary,
    rule: { id: i.ruleId, name: i.ruleName, kind: i.ruleKind },
    incident: { id: i.id, number: i.number, startedAt: i.startedAt.toISOString(), firedAt: i.firedAt?.toISOString() ?? null, resolvedAt: i.resolvedAt?.toISOString() ?? null },
    target: i.target,
    link: absoluteLink(publicUrl, targetHref(i.target, window)),
    window,
    sentBy: "Redrive",
  };
}

export function buildTestMessage(channelName: string, publicUrl: string, by: string): NotificationMessage {
  return {
    version: 1,
    status: "test",
    title: `Test message to ${channelName}`,
    summary: `Sent by ${by} from Redrive's notification settings. Real messages say FIRING or RESOLVED and link to the page that explains them.`,
    rule: { id: null, name: "test", kind: null },
    incident: null,
    target: null,
    link: absoluteLink(publicUrl, "/settings/notifications"),
    window: null,
    sentBy: "Redrive",
  };
}

/** How many of a group's incidents a summary names in its text; the JSON lists up to GROUP_LISTED. */
const GROUP_NAMED = 10;
const GROUP_LISTED = 100;

/**
 * One message for many incidents of one rule that fired (or resolved) at once — a broker restart
 * stops thousands of consumers — so a channel gets one message, not thousands. It names the first
 * few, lists up to a hundred with their own links in the JSON, and links to the page listing them all.
 */
export function buildGroupMessage(rule: { id: string; name: string; kind: RuleKind }, items: IncidentFacts[], status: "firing" | "resolved", publicUrl: string, listHref: string): NotificationMessage {
  const n = items.length;
  const count = new Intl.NumberFormat("en-US").format(n);
  const named = items.slice(0, GROUP_NAMED).map((i) => `• ${i.title}: ${i.summary}`);
  const more = n > GROUP_NAMED ? [`… and ${new Intl.NumberFormat("en-US").format(n - GROUP_NAMED)} more`] : [];
  const startedAt = items.reduce((a, i) => (i.startedAt < a ? i.startedAt : a), items[0]!.startedAt);
  return {
    version: 1,
    status,
    title: status === "firing" ? `${count} incidents of rule ${rule.name} at once` : `${count} incidents of rule ${rule.name} resolved at once`,
    summary: [...named, ...more].join("\n"),
    rule: { id: rule.id, name: rule.name, kind: rule.kind },
    incident: null,
    target: null,
    link: absoluteLink(publicUrl, listHref),
    window: incidentWindow({ startedAt, firedAt: items[0]!.firedAt, resolvedAt: items[0]!.resolvedAt }),
    group: {
      count: n,
      incidents: items.slice(0, GROUP_LISTED).map((i) => ({ id: i.id, number: i.number, title: i.title, summary: i.summary, link: absoluteLink(publicUrl, targetHref(i.target, incidentWindow(i))) })),
    },
    sentBy: "Redrive",
  };
}

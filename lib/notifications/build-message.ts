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

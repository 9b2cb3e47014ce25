// Time-axis ticks on round local times ("14:00", "14:15"), and labels in the operator's time zone.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY];

/** About `target` ticks between `from` and `to` (epoch ms), on multiples of a round step in local time. */
export function timeTicks(from: number, to: number, target = 6): number[] {
  if (!(to > from)) return [];
  const step = STEPS.find((s) => (to - from) / s < target) ?? STEPS[STEPS.length - 1]!;
  const ticks: number[] = [];
  let t: number;
  if (step >= DAY) {
    const d = new Date(from);
    d.setHours(0, 0, 0, 0);
    if (d.getTime() < from) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= to; d.setDate(d.getDate() + step / DAY)) ticks.push(d.getTime());
    return ticks;
  }
  // Align in local time: shift by the zone's offset, round, shift back.
  const offset = -new Date(from).getTimezoneOffset() * MIN;
  t = Math.ceil((from + offset) / step) * step - offset;
  for (; t <= to; t += step) ticks.push(t);
  return ticks;
}

const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const DAY_CLOCK = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
const DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const FULL = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

const HOUR_CLOCK_DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

/**
 * A tick label fitting the window's span: clock times within a few hours; beyond, the first tick and
 * each tick on a new day carry the date too ("6 Dec, 14:00", then "18:00", "22:00", "7 Dec, 02:00"), so a
 * 24-hour or 7-day chart says which day it shows. `ticks` are the ticks the axis draws.
 */
export function tickFormatter(from: number, to: number, ticks: number[] = timeTicks(from, to)): (t: number) => string {
  const span = to - from;
  if (span <= 6 * HOUR) return (t) => CLOCK.format(t);
  const dayOf = (t: number) => new Date(t).toDateString();
  return (t) => {
    const i = ticks.indexOf(t);
    const newDay = i <= 0 || dayOf(ticks[i - 1]!) !== dayOf(t);
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    if (!newDay) return span > 3 * DAY ? DAY_CLOCK.format(t) : CLOCK.format(t);
    return midnight ? DATE.format(t) : HOUR_CLOCK_DATE.format(t);
  };
}

export function formatFullTime(t: number | string): string {
  return FULL.format(typeof t === "string" ? Date.parse(t) : t);
}

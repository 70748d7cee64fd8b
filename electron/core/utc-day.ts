// A time's UTC day as YYYY-MM-DD, the key of daily usage and of request-log segments. Asked for
// on every request, so the last day's text is kept and a date is formatted once a day.
const DAY_MS = 86_400_000;

let cachedDay = { start: 0, end: 0, text: '1970-01-01' };

export function utcDay(time: number): string {
  if (time >= cachedDay.start && time < cachedDay.end) return cachedDay.text;
  // An invalid time throws here, as it always did; only a valid one is remembered.
  const text = new Date(time).toISOString().slice(0, 10);
  const start = Math.floor(time / DAY_MS) * DAY_MS;
  cachedDay = { start, end: start + DAY_MS, text };
  return text;
}

// Events in the last minute, kept so that adding one and dropping expired ones costs O(1)
// amortised: a request path that runs thousands of times a second cannot copy arrays.
export class SlidingWindow {
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly spanMs: number) {}

  add(time: number, value = 1): void {
    this.times.push(time);
    this.values.push(value);
    this.total += value;
  }

  /** Drops what is older than the span; returns what is left. */
  prune(now: number): void {
    const cutoff = now - this.spanMs;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      this.total -= this.values[this.head]!;
      this.head++;
    }
    // Compact once the dead prefix outweighs the live part.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length - this.head;
  }

  sum(now: number): number {
    this.prune(now);
    return this.total;
  }

  /** Time of the oldest event still in the window, or null. */
  oldest(now: number): number | null {
    this.prune(now);
    return this.head < this.times.length ? this.times[this.head]! : null;
  }
}

// Lists reload when the core says they changed (shared/events.ts) and when the link comes back,
// never on their own after a save: the save's `changed` event arrives right after the write (over
// IPC or the event stream), so a reload of the saver's own would fetch the list twice. Events
// that come together make one reload; one that comes while a reload runs makes one more after
// it, which sees the change (a provider deleted with its models says `models`, refreshes the
// router, then says `providers`: usually two reloads, where there were three).
import type { ChangedTopic } from '../../../shared/events.js';
import { connection } from './connection.svelte.js';

/** Reloads on these topics and on reconnecting; returns what stops listening. */
export function reloadOn(topics: readonly ChangedTopic[], reload: () => Promise<unknown>): () => void {
  const request = coalesced(reload);
  const stops = [connection.on('changed', ({ topic }) => topics.includes(topic) && request()), connection.on('reconnected', request)];
  return () => stops.forEach((stop) => stop());
}

/** One call of `run` for requests made together; a request while it runs makes one more run after it. */
function coalesced(run: () => Promise<unknown>): () => void {
  let state: 'idle' | 'waiting' | 'running' | 'again' = 'idle';
  const start = (): void => {
    state = 'running';
    void run()
      .catch(() => undefined)
      .finally(() => (state === 'again' ? wait() : (state = 'idle')));
  };
  // A macrotask later, no more: events read from one chunk of the stream have all arrived by then,
  // and a list that waited longer would hold stale versions for the next quick edit to trip on.
  const wait = (): void => {
    state = 'waiting';
    setTimeout(start, 0);
  };
  return () => {
    if (state === 'idle') wait();
    else if (state === 'running') state = 'again';
  };
}

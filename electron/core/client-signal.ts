// A request's "the client went away" signal. An AbortController per request, plus the abort
// listener undici adds to it, cost microseconds on every request; undici takes an
// EventEmitter-style signal (aborted, reason, an 'abort' event) just as well, and this is one.
import { EventEmitter } from 'node:events';

export class ClientSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | null = null;

  abort(reason: unknown = new DOMException('The client closed the connection.', 'AbortError')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.emit('abort');
  }

  /** A real AbortSignal that follows this one, for the few APIs that need one (made once, on demand). */
  toAbortSignal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

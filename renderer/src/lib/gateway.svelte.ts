// The gateway-down state's one action. In the desktop app the shell restarts the gateway
// (shell.restartGateway over IPC: one flush, the same port) and the page loads again from it;
// in browser mode the gateway is a `loopgate serve` process this page cannot start, so the
// banner says how to.
import { call } from './api.js';

class GatewayRestart {
  busy = $state(false);
  /** Why the last restart failed (a taken port, say), in the shell's words. */
  failure = $state<string | null>(null);

  async restart(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.failure = null;
    try {
      await call('shell.restartGateway', {});
      // The window's session and event subscription belong to the old gateway: start afresh, on the same view.
      location.reload();
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}

export const gatewayRestart = new GatewayRestart();

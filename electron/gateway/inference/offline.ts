// Offline fallback (router_settings.offline_fallback): when a cloud upstream cannot be reached
// at all (DNS, refused, reset or timed out before any answer; never a 429, 5xx or 4xx), the
// gateway counts as offline and cloud groups' requests go to the configured local group. A
// cheap probe (one HEAD to the cloud origin that failed, through its proxy) brings it back;
// each state lasts a minimum time, so a flaky network does not flap. The setting is read as it is
// now (the app's routing settings, else the file's): set, changed or cleared, it applies at once.
import type { DeploymentConfig } from '../../core/deployment.js';
import { isLocalUpstream } from '../../core/upstream-proxy.js';
import type { Caller } from '../access/auth.js';

export type Connectivity = 'online' | 'offline';

interface OfflineSettings {
  /** The local group that serves while offline. */
  group: string;
  probeIntervalMs: number;
  minStateMs: number;
}

export interface ConnectivityDeps {
  /** The setting in force now; null: off (nothing goes offline, nothing is diverted). */
  settings: () => OfflineSettings | null;
  /** Whether the cloud origin answers at all (any HTTP status). */
  probe: (deployment: DeploymentConfig) => Promise<boolean>;
  /** Told once per change: going offline, coming back. */
  changed: (state: Connectivity, deployment: DeploymentConfig) => void;
  clock: () => number;
}

/** Route name for requests served by the local group while offline (what `x-loopgate-route` and the log say). */
export const OFFLINE_ROUTE = 'offline-fallback';

export class ConnectivityMonitor {
  private current: Connectivity = 'online';
  private since = Number.NEGATIVE_INFINITY;
  private lost: DeploymentConfig | null = null;
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(private readonly deps: ConnectivityDeps) {}

  get state(): Connectivity {
    return this.current;
  }

  /** The local group that serves while offline; null while the setting is off. */
  get group(): string | null {
    return this.deps.settings()?.group ?? null;
  }

  /** A cloud deployment could not be reached at all. */
  unreachable(deployment: DeploymentConfig): void {
    const settings = this.deps.settings();
    if (!settings || isLocalUpstream(deployment.apiBase, deployment.family)) return;
    if (this.current === 'offline' || !this.heldLongEnough()) return;
    this.switchTo('offline', deployment);
    this.timer = setInterval(() => void this.probeOnce(), settings.probeIntervalMs);
    this.timer.unref();
  }

  /** Whether a group goes to the local group now: the setting is on, offline, and none of its deployments is local. */
  diverts(deployments: readonly DeploymentConfig[]): boolean {
    if (this.current !== 'offline' || this.deps.settings() === null) return false;
    return deployments.length > 0 && deployments.every((deployment) => !isLocalUpstream(deployment.apiBase, deployment.family));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private heldLongEnough(): boolean {
    return this.deps.clock() - this.since >= (this.deps.settings()?.minStateMs ?? 0);
  }

  private async probeOnce(): Promise<void> {
    const lost = this.lost;
    // Turned off while offline: nothing is diverted any more, so there is nothing to come back from.
    if (this.deps.settings() === null) {
      this.forget();
      return;
    }
    if (this.probing || this.current !== 'offline' || !lost || !this.heldLongEnough()) return;
    this.probing = true;
    try {
      if ((await this.deps.probe(lost)) && this.current === 'offline') {
        this.stop();
        this.switchTo('online', lost);
      }
    } finally {
      this.probing = false;
    }
  }

  private forget(): void {
    this.stop();
    this.current = 'online';
    this.lost = null;
  }

  private switchTo(state: Connectivity, deployment: DeploymentConfig): void {
    this.current = state;
    this.since = this.deps.clock();
    this.lost = state === 'offline' ? deployment : null;
    this.deps.changed(state, deployment);
  }
}

/**
 * The group a request goes to instead while offline: the local group, for a cloud group and a key
 * that allows it (a key whose metadata says `offline_fallback: false` is never served by another model).
 */
export function offlineGroup(monitor: ConnectivityMonitor | null, deployments: readonly DeploymentConfig[], caller: Caller | null): string | null {
  if (!monitor?.diverts(deployments)) return null;
  if (caller?.kind === 'virtual' && caller.key.metadata.offline_fallback === false) return null;
  return monitor.group;
}

// Which names the gateway answers to. A web page that rebinds its own name to 127.0.0.1 (DNS
// rebinding) still sends that name as `Host`, so only known names are served, on every route.
import { isIP } from 'node:net';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export class HostGuard {
  private readonly names: Set<string>;
  private readonly configured: Set<string>;
  /** Bound beyond loopback, clients use the machine's addresses: any IP literal is no rebinding. */
  private readonly anyIpLiteral: boolean;

  constructor(options: { bindHost?: string; allowedHosts?: readonly string[] } = {}) {
    this.configured = new Set((options.allowedHosts ?? []).map((name) => name.toLowerCase()));
    this.names = new Set([...LOOPBACK_NAMES, ...this.configured]);
    this.anyIpLiteral = options.bindHost !== undefined && !isLoopbackAddress(options.bindHost);
  }

  /** Whether a `Host` header (name, optional port) names this gateway. */
  allowsHost(header: string | undefined): boolean {
    if (!header) return false;
    const name = hostName(header);
    if (name === null) return false;
    return this.names.has(name) || (this.anyIpLiteral && isIP(name.replace(/^\[|\]$/g, '')) !== 0);
  }

  /**
   * Whether an `Origin` is the admin UI's own page: an allowed name on the port the request
   * came in on (a name configured for a reverse proxy may use any port).
   */
  allowsOrigin(origin: string, localPort: number | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const name = url.hostname.toLowerCase();
    if (this.configured.has(name)) return true;
    if (!this.allowsHost(url.host)) return false;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return port === localPort;
  }
}

/** The lower-cased name of a Host header without its port; null when malformed. */
function hostName(header: string): string | null {
  const text = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/.exec(text);
  return match ? match[1]! : null;
}

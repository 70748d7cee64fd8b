// Upstream TLS trust: Node's bundled roots plus NODE_EXTRA_CA_CERTS, the config's
// general_settings.ca_certs and (in the desktop app) the operating system's store. When an
// upstream's certificate is not trusted (a company proxy intercepting TLS), one look at the
// chain it presents, with no request sent, names the certificate and where to add its CA.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Client } from 'undici';
import type { ProxyChoice } from '../../core/upstream-proxy.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Node's codes for "the chain does not end at a trusted CA". */
const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED']);

export function isUntrustedCertificate(code: string): boolean {
  return UNTRUSTED.has(code);
}

export interface TrustOptions {
  /** PEM certificates from the config (general_settings.ca_certs). */
  caCerts?: readonly string[];
  /** Add the operating system's trust store (the desktop app, where Node can read it). */
  systemCertificates?: boolean;
}

/** The CAs upstream TLS trusts; undefined keeps Node's own default (nothing added). */
export function trustedCertificates(options: TrustOptions, env: Environment): string[] | undefined {
  const extra = [...(options.caCerts ?? [])];
  // Node reads NODE_EXTRA_CA_CERTS into its default only; a `ca` list of our own must carry it.
  const extraFile = env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    try {
      extra.push(readFileSync(extraFile, 'utf8'));
    } catch {
      // Node warns at start-up about a file it cannot read; the call then trusts what it can.
    }
  }
  const system = options.systemCertificates ? systemStore() : [];
  if (extra.length === 0 && system.length === 0) return undefined;
  return [...tls.rootCertificates, ...system, ...extra];
}

/** `tls.getCACertificates('system')` exists from Node 22.15 (Electron's Node); older Node has none to offer. */
function systemStore(): string[] {
  const read = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  try {
    return read ? read('system') : [];
  } catch {
    return [];
  }
}

const LOOK_MS = 5_000;

/**
 * The presented chain as a sentence: the server's certificate and the CA that was not trusted.
 * Null when the chain cannot be read (through a SOCKS proxy, or the server went away).
 */
export async function describeUntrustedChain(target: URL, choice: ProxyChoice, ca: string[] | undefined): Promise<string | null> {
  if (choice.via === 'socks5') return null;
  const port = Number(target.port) || 443;
  const servername = target.hostname.replace(/^\[|\]$/g, '');
  let proxyClient: Client | null = null;
  try {
    let socket: Duplex | undefined;
    if (choice.via === 'http') {
      proxyClient = new Client(choice.url.origin, { connect: { timeout: LOOK_MS } });
      const tunnel = await proxyClient.connect({ path: `${target.hostname}:${port}`, headers: { host: `${target.hostname}:${port}`, ...proxyAuthorization(choice.url) }, signal: AbortSignal.timeout(LOOK_MS) });
      if (tunnel.statusCode !== 200) return null;
      socket = tunnel.socket;
    }
    return await new Promise<string | null>((resolve) => {
      // Verification off for this look only: nothing is sent over it, and it ends at once.
      const look = tls.connect({ host: servername, port, servername: isIpHost(servername) ? undefined : servername, ca, rejectUnauthorized: false, ...(socket ? { socket } : {}) });
      const timer = setTimeout(() => finish(null), LOOK_MS);
      function finish(text: string | null): void {
        clearTimeout(timer);
        look.destroy();
        resolve(text);
      }
      look.once('secureConnect', () => finish(chainText(look.getPeerCertificate(true))));
      look.once('error', () => finish(null));
    });
  } catch {
    return null;
  } finally {
    void proxyClient?.destroy();
  }
}

function proxyAuthorization(url: URL): Record<string, string> {
  if (!url.username) return {};
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}` };
}

function isIpHost(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function chainText(leaf: tls.DetailedPeerCertificate): string | null {
  if (!leaf || !leaf.subject) return null;
  let top = leaf;
  // The chain as sent; a self-signed certificate is its own issuer.
  for (let depth = 0; depth < 10 && top.issuerCertificate && top.issuerCertificate !== top && top.issuerCertificate.fingerprint256 !== top.fingerprint256; depth++) top = top.issuerCertificate;
  const selfSigned = distinguishedName(top.subject) === distinguishedName(top.issuer);
  const untrusted = selfSigned ? `"${distinguishedName(top.subject)}" (self-signed)` : `"${distinguishedName(top.issuer)}"`;
  return `its certificate "${distinguishedName(leaf.subject)}" chains to ${untrusted}, which is not a trusted CA`;
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (!name) return 'unknown';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

// The operating system's proxy for an upstream, in the desktop app: Electron resolves it per URL
// (system settings, PAC script, WPAD) and answers asynchronously, while an upstream call picks its
// dispatcher synchronously. So answers are kept per origin: asked for every deployment at start
// and after each routing change, and for an origin not yet asked on its first call (which then
// follows the environment until the answer is in).

/** Electron's `session.resolveProxy`: a PAC-style answer such as "PROXY corp:3128; DIRECT". */
export type ResolveProxy = (url: string) => Promise<string>;

export interface SystemProxy {
  /** The proxy setting the OS gives this origin (`direct`, `http://…`, `socks5://…`); undefined while not known yet. */
  lookup(origin: string): string | undefined;
  /** Asks the OS for these origins; resolves when every answer is in (a failed ask counts as direct). */
  resolve(origins: Iterable<string>): Promise<void>;
}

const SCHEMES: Readonly<Record<string, string>> = { PROXY: 'http', HTTP: 'http', HTTPS: 'https', SOCKS: 'socks5', SOCKS5: 'socks5' };

/** The first usable entry of a PAC answer as a proxy setting; `direct` for DIRECT, an empty answer or one it cannot use (SOCKS4, QUIC). */
export function pacToSetting(answer: string): string {
  for (const entry of answer.split(';')) {
    const [kind, address] = entry.trim().split(/\s+/);
    if (!kind) continue;
    if (kind.toUpperCase() === 'DIRECT') return 'direct';
    const scheme = SCHEMES[kind.toUpperCase()];
    if (scheme && address) return `${scheme}://${address}`;
  }
  return 'direct';
}

export function systemProxy(resolveProxy: ResolveProxy): SystemProxy {
  const known = new Map<string, string>();
  const asking = new Map<string, Promise<void>>();
  const ask = (origin: string): Promise<void> => {
    let pending = asking.get(origin);
    if (!pending) {
      pending = resolveProxy(`${origin}/`)
        .then(pacToSetting, () => 'direct')
        .then((setting) => void known.set(origin, setting))
        .finally(() => asking.delete(origin));
      asking.set(origin, pending);
    }
    return pending;
  };
  return {
    lookup(origin) {
      const setting = known.get(origin);
      if (setting === undefined) void ask(origin);
      return setting;
    },
    async resolve(origins) {
      await Promise.all([...new Set(origins)].map(ask));
    },
  };
}

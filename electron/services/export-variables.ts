// The environment variables a config export names instead of secrets, so none leaves in clear:
// one name per secret and owner (a deployment, a provider, an MCP server), never shared by two.

/** A variable's name from its parts: upper case, anything but letters and digits as `_`. */
export function variableName(...parts: string[]): string {
  return parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
}

export function envReference(name: string): string {
  return `os.environ/${name}`;
}

/** One reference, or a list for a pool of keys (`_2`, `_3`, … after the first). */
export function keyReferences(name: string, count: number): string | string[] {
  const names = Array.from({ length: count }, (_, index) => envReference(index === 0 ? name : `${name}_${index + 1}`));
  return count > 1 ? names : names[0]!;
}

/** A proxy setting as an export writes it: as it is, unless its URL carries a user or password (then the variable `name`). */
export function proxyParam(proxy: string, name: string): string {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return proxy;
  }
  return url.username || url.password ? envReference(name) : proxy;
}

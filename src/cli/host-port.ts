/**
 * "host:port", "[v6-address]:port", or a host alone (then `defaultPort`) → the endpoint, or a
 * one-line error naming `option`.
 */
export function parseHostPort(option: string, text: string, defaultPort: number): { readonly host: string; readonly port: number } | { readonly error: string } {
  const m = /^\[([0-9A-Fa-f:.]+)\](?::([^:]*))?$/.exec(text) ?? /^([^:[\]\s]+)(?::([^:]*))?$/.exec(text);
  const host = m?.[1];
  const portText = m?.[2];
  const port = portText === undefined ? defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (host === undefined || !(port >= 1 && port <= 65535)) return { error: `${option} takes host:port, e.g. 127.0.0.1:${defaultPort} (got "${text}")` };
  return { host, port };
}

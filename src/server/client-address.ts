import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

/**
 * Reads who sent a request, as the key its failed logins are counted under. Without trusted
 * proxies it is the socket's address; with them, X-Forwarded-For is read from the right and the
 * first hop that is not a trusted proxy is the client, so hops a client wrote itself (left of
 * the ones our proxies appended) are never believed.
 */
export function clientReader(trustProxy: readonly string[]): (serverContext: unknown) => string {
  const trusting = trustProxy.length > 0;
  const trust = trusting ? proxyAddr.compile([...trustProxy]) : () => false;
  // A kept-alive connection sends many requests with the same answer: parsed once per socket
  // (and per X-Forwarded-For value, when it is read).
  const known = new WeakMap<Socket, { forwarded: string | string[] | undefined; group: string }>();
  return (serverContext) => {
    const req = (serverContext as { req?: IncomingMessage }).req;
    if (!req?.socket) return 'local';
    const forwarded = trusting ? req.headers['x-forwarded-for'] : undefined;
    const seen = known.get(req.socket);
    if (seen && seen.forwarded === forwarded) return seen.group;
    const group = clientGroup(proxyAddr(req, trust));
    known.set(req.socket, { forwarded, group });
    return group;
  };
}

/**
 * IPv4 addresses as they are (IPv4-mapped IPv6 ones too); IPv6 ones by their /64, the block a
 * single host is usually given, so rotating through it gains nothing. Anything unparsable shares
 * one key.
 */
export function clientGroup(address: string | undefined): string {
  if (address === undefined || !ipaddr.isValid(address)) return 'unknown';
  const ip = ipaddr.process(address);
  if (!(ip instanceof ipaddr.IPv6)) return ip.toString();
  return `${new ipaddr.IPv6([...ip.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

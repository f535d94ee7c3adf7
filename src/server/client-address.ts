import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyAddr from 'proxy-addr';

/**
 * Reads who sent a request, as the key its failed logins are counted under. Without trusted
 * proxies it is the socket's address; with them, X-Forwarded-For is read from the right and the
 * first hop that is not a trusted proxy is the client, so hops a client wrote itself (left of
 * the ones our proxies appended) are never believed.
 */
export function clientReader(trustProxy: readonly string[]): (serverContext: unknown) => string {
  const trust = trustProxy.length > 0 ? proxyAddr.compile([...trustProxy]) : () => false;
  return (serverContext) => {
    const req = (serverContext as { req?: IncomingMessage }).req;
    return req?.socket ? clientGroup(proxyAddr(req, trust)) : 'local';
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

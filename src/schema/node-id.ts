import { InvalidRequestError } from '../errors.js';
import { ensureText, quote } from '../resolvers/checks.js';

const NODE_TYPES = new Set(['InviteCode', 'InviteCodeUse']);

/** Relay global ids are base64("<type>:<key>"); anything else is the client's mistake. */
export function decodeNodeId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator <= 0 || !NODE_TYPES.has(typename) || !id)
    throw new InvalidRequestError(`Invalid global id ${quote(globalId)}`);
  return { typename, id: ensureText('id', id) };
}

import { isValidDid } from '@atproto/syntax';
import { InvalidRequestError } from '../errors.js';
import { ensureText, quote } from '../resolvers/checks.js';

const NODE_TYPES = new Set(['InviteCode', 'InviteCodeUse', 'Account']);

/** Relay global ids are base64("<type>:<key>"); anything else is the client's mistake. */
export function decodeNodeId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  // Any DID is an account; "admin" and other strings are not.
  if (separator <= 0 || !NODE_TYPES.has(typename) || !id || (typename === 'Account' && !isValidDid(id)))
    throw new InvalidRequestError(`Invalid global id ${quote(globalId)}`);
  return { typename, id: ensureText('id', id) };
}

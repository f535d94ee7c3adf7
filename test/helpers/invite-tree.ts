// Invite trees for the graph's tests, made through the public API: `invite(owner, n)` issues the
// owner one code of n uses and redeems it n times with new DIDs (or the DIDs given).
import type { Gateway } from '../../src/server/gateway.js';
import { createCodes, redeem } from './fixtures.js';
import { randomDid } from './gateway.js';

export async function invite(gateway: Gateway, owner: string, invitees: number | string[]): Promise<string[]> {
  const dids = typeof invitees === 'number' ? Array.from({ length: invitees }, randomDid) : invitees;
  const [code] = await createCodes(gateway, { forAccount: owner, useCount: dids.length });
  for (const did of dids) await redeem(gateway, code!, did);
  return dids;
}

/** A chain root -> ... of `length` accounts below the root; returns [root, ...chain]. */
export async function chain(gateway: Gateway, length: number, root = randomDid()): Promise<string[]> {
  const dids = [root];
  for (let i = 0; i < length; i++) dids.push(...(await invite(gateway, dids.at(-1)!, 1)));
  return dids;
}

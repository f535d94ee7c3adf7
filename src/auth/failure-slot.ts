import { createHash } from 'node:crypto';

/**
 * Shared stores count failures per slot, a hash of the client, not per client: their size is
 * then bounded (like the in-memory limiter's 20,000 clients) however many addresses a guesser
 * rotates. Clients that share a slot share its window, as the in-memory limiter's overflow does.
 */
export const FAILURE_SLOTS = 20_000;

export function failureSlot(client: string, slots = FAILURE_SLOTS): number {
  return createHash('sha256').update(client).digest().readUInt32BE(0) % slots;
}

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

// The expected secrets are few (the admin password, the metrics token) and asked for on every
// request; their hashes are computed once.
const expectedDigests = new Map<string, Buffer>();

/** Compares hashes so that neither the length nor the content of a secret leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  let expectedDigest = expectedDigests.get(expected);
  if (!expectedDigest) {
    expectedDigest = digest(expected);
    expectedDigests.set(expected, expectedDigest);
  }
  return timingSafeEqual(digest(given), expectedDigest);
}

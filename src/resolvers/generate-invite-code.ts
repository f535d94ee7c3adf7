import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export type CodeGenerator = () => string;

/**
 * The PDS code format: `<hostname with dots as hyphens>-xxxxx-xxxxx`, ten characters of
 * lower-case base32 (a-z2-7) carrying 50 bits from the CSPRNG.
 */
export function inviteCodeGenerator(hostname: string): CodeGenerator {
  const prefix = hostname.replaceAll('.', '-');
  return () => {
    const bits = randomBytes(7).reduce((value, byte) => (value << 8n) | BigInt(byte), 0n) >> 6n;
    let random = '';
    for (let shift = 45n; shift >= 0n; shift -= 5n) random += BASE32[Number((bits >> shift) & 31n)];
    return `${prefix}-${random.slice(0, 5)}-${random.slice(5)}`;
  };
}

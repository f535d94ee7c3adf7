import { SignJWT } from 'jose';

export const ACCESS_SCOPE = 'com.atproto.access';

export interface AccountTokenOptions {
  did: string;
  secret: string;
  /** The `aud` claim; the gateway checks it when JWT_AUDIENCE is set. */
  audience?: string;
  /** Lifetime in seconds. */
  expiresInSeconds: number;
}

/** An HS256 access token of the shape the PDS issues and the gateway accepts (for local use). */
export function signAccountToken({ did, secret, audience, expiresInSeconds }: AccountTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let token = new SignJWT({ scope: ACCESS_SCOPE })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(did)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds);
  if (audience) token = token.setAudience(audience);
  return token.sign(new TextEncoder().encode(secret));
}

import { isValidDid } from '@atproto/syntax';
import { errors as joseErrors, jwtVerify } from 'jose';
import { ACCESS_SCOPE } from './account-token.js';
import { sameSecret } from './same-secret.js';

/** Who is calling, as read from the Authorization header. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'admin' }
  | { kind: 'account'; did: string }
  /** A valid token whose scope is not full account access (an app password's, say). */
  | { kind: 'restricted'; did: string; scope: string }
  /** Credentials were sent but are wrong: bad password, bad signature, expired token. */
  | { kind: 'invalid'; reason: string };

export interface AuthSettings {
  adminPassword: string;
  jwtSecret: string | undefined;
  jwtAudience: string | undefined;
}

const ACCEPTED_TOKEN_TYPES = new Set(['at+jwt', 'JWT']);
// Clocks of the issuer and of this gateway may differ a little; a token from further ahead is refused.
const MAX_CLOCK_SKEW_SECONDS = 60;

export async function readCaller(authorization: string | null, settings: AuthSettings): Promise<Caller> {
  if (!authorization) return { kind: 'anonymous' };
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  switch (scheme?.toLowerCase()) {
    case 'basic':
      return readBasic(credentials, settings.adminPassword);
    case 'bearer':
      return readBearer(credentials, settings);
    default:
      return { kind: 'invalid', reason: 'unsupported authorization scheme (use Basic or Bearer)' };
  }
}

/** Whether an Authorization header uses the Basic scheme (the admin's, right or wrong). */
export function isBasicAuthorization(authorization: string | null): boolean {
  return /^\s*basic(\s|$)/i.test(authorization ?? '');
}

/** Whether an Authorization header carries the admin's Basic credentials. */
export function isAdminAuthorization(authorization: string, adminPassword: string): boolean {
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  return scheme?.toLowerCase() === 'basic' && readBasic(credentials, adminPassword).kind === 'admin';
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why Basic credentials were refused: not base64 at all (a common slip), or simply wrong. */
export function basicFailureReason(authorization: string): string {
  const credentials = authorization.trim().split(/\s+/, 2)[1] ?? '';
  return BASE64.test(credentials)
    ? 'wrong admin credentials'
    : 'Basic credentials must be the base64 of "admin:<password>", ' +
        'e.g. Basic $(printf \'admin:%s\' "$ADMIN_PASSWORD" | base64)';
}

function readBasic(credentials: string, adminPassword: string): Caller {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const user = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  const passwordMatches = sameSecret(password, adminPassword);
  if (separator < 0 || user !== 'admin' || !passwordMatches) {
    return { kind: 'invalid', reason: basicFailureReason(`Basic ${credentials}`) };
  }
  return { kind: 'admin' };
}

async function readBearer(token: string, settings: AuthSettings): Promise<Caller> {
  if (!settings.jwtSecret)
    return { kind: 'invalid', reason: 'account tokens are not accepted (JWT_SECRET is not set)' };
  try {
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(settings.jwtSecret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub', 'scope'],
      ...(settings.jwtAudience ? { audience: settings.jwtAudience } : {}),
    });
    if (protectedHeader.typ !== undefined && !ACCEPTED_TOKEN_TYPES.has(protectedHeader.typ)) {
      return { kind: 'invalid', reason: `token type "${protectedHeader.typ}" is not an access token` };
    }
    // jose has checked that iat, when present, is a number.
    if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
      return { kind: 'invalid', reason: 'token issued in the future' };
    }
    const did = payload.sub;
    if (typeof did !== 'string' || !isValidDid(did)) return { kind: 'invalid', reason: 'token subject is not a DID' };
    const scope = payload.scope;
    if (typeof scope !== 'string') return { kind: 'invalid', reason: 'token scope is not a string' };
    return scope === ACCESS_SCOPE ? { kind: 'account', did } : { kind: 'restricted', did, scope };
  } catch (error) {
    return { kind: 'invalid', reason: describeJwtError(error) };
  }
}

function describeJwtError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  return 'token is malformed or not signed with HS256';
}

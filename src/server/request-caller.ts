import {
  basicFailureReason,
  isBasicAuthorization,
  readCaller,
  type AuthSettings,
  type Caller,
} from '../auth/credentials.js';
import type { CredentialGuard } from './auth-rate-limit.js';

/**
 * Who sent the request. Admin credentials were already checked, and counted, by useAuthRateLimit:
 * their outcome is reused, never checked a second time here.
 */
export async function requestCaller(request: Request, guard: CredentialGuard, auth: AuthSettings): Promise<Caller> {
  const authorization = request.headers.get('authorization');
  if (!authorization || !isBasicAuthorization(authorization)) return readCaller(authorization, auth);
  const outcome = await guard.outcomeOf(request);
  return outcome?.status === 'passed'
    ? { kind: 'admin' }
    : { kind: 'invalid', reason: basicFailureReason(authorization) };
}

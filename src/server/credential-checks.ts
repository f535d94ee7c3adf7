import { isAdminAuthorization, isBasicAuthorization } from '../auth/credentials.js';
import { sameSecret } from '../auth/same-secret.js';
import type { CredentialCheck } from './auth-rate-limit.js';

/**
 * The secrets a request can be checked against, all counted as admin logins: the metrics token
 * at /metrics when one is set, else the admin password wherever Basic credentials are sent.
 */
export function adminCredentialCheck(adminPassword: string, metricsToken: string | undefined): CredentialCheck {
  return (request, url) => {
    const authorization = request.headers.get('authorization');
    if (!authorization) return undefined;
    if (metricsToken && url.pathname === '/metrics') return () => sameSecret(authorization, `Bearer ${metricsToken}`);
    if (isBasicAuthorization(authorization)) return () => isAdminAuthorization(authorization, adminPassword);
    return undefined;
  };
}

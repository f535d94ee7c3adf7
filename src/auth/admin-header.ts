/** The Authorization header of the admin: HTTP Basic `admin:<password>`, as on the PDS. */
export function adminAuthorization(password: string): string {
  return `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
}

// What `npm start` prints for the admin: the header of a generated password, or, for a password
// given in ADMIN_PASSWORD, how to build the header without echoing the password.
import { describe, expect, inject, it } from 'vitest';
import { startMain } from './helpers/main-process.js';

describe('the admin header at start-up', () => {
  it('is printed for a generated password', async () => {
    const gateway = await startMain({ DATABASE_URL: inject('databaseUrl') });
    try {
      const password = /generated one for this run: (\S+)/.exec(gateway.stderr())?.[1];
      expect(password).toBeDefined();
      expect(gateway.stderr()).toContain(
        `{ "Authorization": "Basic ${Buffer.from(`admin:${password}`).toString('base64')}" }`,
      );
      expect(gateway.stdout()).not.toContain(password!);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });

  it('is explained, not echoed, for ADMIN_PASSWORD', async () => {
    const password = 'a-password-from-the-environment';
    const gateway = await startMain({ DATABASE_URL: inject('databaseUrl'), ADMIN_PASSWORD: password });
    try {
      const output = gateway.stderr() + gateway.stdout();
      expect(output).not.toContain(password);
      expect(output).not.toContain(Buffer.from(`admin:${password}`).toString('base64'));
      expect(gateway.stderr()).toContain(`printf 'admin:%s' "$ADMIN_PASSWORD" | base64`);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });
});

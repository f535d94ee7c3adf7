// npm run db:seed: fills the database with a realistic sample for exploring in GraphiQL,
// through the same resolvers as the mutations: a few hundred codes for a few dozen accounts,
// admin and account codes, unused, partly used, used-up and disabled ones.
import { randomBytes } from 'node:crypto';
import { readConfig } from '../src/config.js';
import { withDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';
import { connectPrisma, disconnectPrisma } from '../src/db/prisma.js';
import { createInviteCodes } from '../src/resolvers/create-invite-codes.js';
import { disableInviteCodes } from '../src/resolvers/disable-invite-codes.js';
import { inviteCodeGenerator } from '../src/resolvers/generate-invite-code.js';
import { redeemInviteCode } from '../src/resolvers/redeem-invite-code.js';
import { runScript } from './run-script.js';

const ACCOUNTS = 40;
const newDid = () => `did:plc:${randomBytes(12).toString('hex').slice(0, 24)}`;

runScript(async () => {
  const config = readConfig();
  await withDatabase(config, async (url) => {
    await applyMigrations(url);
    const db = connectPrisma(url);
    const options = { generateCode: inviteCodeGenerator(config.serviceHostname) };
    try {
      const accounts = Array.from({ length: ACCOUNTS }, newDid);
      const gifts = await createInviteCodes(db, { forAccounts: accounts, codeCount: 5, useCount: 1 }, options);
      const admin = await createInviteCodes(db, { forAccounts: ['admin'], codeCount: 60, useCount: 10 }, options);
      const bulk = await createInviteCodes(
        db,
        { forAccounts: accounts.slice(0, 10), codeCount: 4, useCount: 3 },
        options,
      );

      let uses = 0;
      const redeem = async (code: string, times: number) => {
        for (let i = 0; i < times; i++, uses++) await redeemInviteCode(db, { code, usedBy: newDid() });
      };
      // Each account used two of its five single-use gifts; admin and bulk codes in varied amounts.
      for (const { codes } of gifts) for (const { code } of codes.slice(0, 2)) await redeem(code, 1);
      for (const [index, { code }] of admin[0]!.codes.entries()) await redeem(code, index % 11);
      for (const [index, { code }] of bulk.flatMap(({ codes }) => codes).entries()) await redeem(code, index % 4);

      const adminCodes = admin[0]!.codes.slice(50).map(({ code }) => code);
      const disabled = await disableInviteCodes(db, { accounts: accounts.slice(30, 33), codes: adminCodes });
      const codes = [...gifts, ...admin, ...bulk].reduce((sum, { codes: list }) => sum + list.length, 0);
      console.log(
        `seeded ${codes} codes for ${ACCOUNTS} accounts and admin, ${uses} uses, ${disabled.length} disabled`,
      );
      console.log(`an account to try in accountInviteCodes: ${accounts[0]}`);
    } finally {
      await disconnectPrisma();
    }
  });
});

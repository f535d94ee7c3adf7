// npm run token -- <did> [--expires <minutes>] [--raw]: an account access token for local use,
// signed with JWT_SECRET (and carrying JWT_AUDIENCE when set), as the gateway expects it.
import { parseArgs } from 'node:util';
import { ensureValidDid } from '@atproto/syntax';
import { signAccountToken } from '../src/auth/account-token.js';
import { readConfig } from '../src/config.js';
import { runScript } from './run-script.js';

const USAGE = 'usage: npm run token -- <did> [--expires <minutes, default 60>] [--raw]';

runScript(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { expires: { type: 'string', default: '60' }, raw: { type: 'boolean', default: false } },
  });
  const [did] = positionals;
  if (!did || positionals.length > 1) throw new Error(USAGE);
  try {
    ensureValidDid(did);
  } catch (error) {
    throw new Error(
      `${JSON.stringify(did)} is not a DID: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
    );
  }
  const minutes = Number(values.expires);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 * 24 * 30)
    throw new Error(`--expires must be whole minutes from 1 to 43200\n${USAGE}`);
  const config = readConfig();
  if (!config.jwtSecret) {
    throw new Error(
      'JWT_SECRET is not set: the gateway refuses account tokens without it. Give the gateway and this ' +
        'command the same JWT_SECRET.',
    );
  }
  const token = await signAccountToken({
    did,
    secret: config.jwtSecret,
    audience: config.jwtAudience,
    expiresInSeconds: minutes * 60,
  });
  if (values.raw) {
    process.stdout.write(`${token}\n`);
    return;
  }
  const expires = new Date(Date.now() + minutes * 60_000).toISOString();
  process.stdout.write(
    `Access token for ${did} (scope com.atproto.access, expires ${expires}):\n${token}\n\n` +
      `GraphiQL headers: { "Authorization": "Bearer ${token}" }\n` +
      `curl: -H 'Authorization: Bearer ${token}'\n`,
  );
});

import { connectPrisma } from './src/db/prisma.js';
import { createGateway } from './src/server/gateway.js';
import { createLogger } from './src/logger.js';
import { readConfig } from './src/config.js';
connectPrisma('postgresql://postgres@127.0.0.1:5432/graph_scratch');
const config = { ...readConfig({}), jwtSecret: undefined };
const gateway = createGateway({ config, adminPassword: 'x', logger: createLogger('silent') });
const auth = `Basic ${Buffer.from('admin:x').toString('base64')}`;
const q5 = JSON.stringify({ query: 'query Q5($did: Did!, $first: Int) { account(did: $did) { invitees(first: $first) { edges { node { did inviteCodes { code usedCount uses { usedBy usedAt } } } } } } }', variables: { did: 'did:plc:benchwide000000', first: 50 } });
const q3 = JSON.stringify({ query: '{ accountInviteCodes(account: "did:plc:bench000001") { code available disabled forAccount createdBy createdAt uses { usedBy usedAt } } }' });
for (const [name, body] of [['q5', q5], ['q3', q3]] as const) {
  const run = async () => { const r = await gateway.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body }); return r.text(); };
  const first = await run(); if (first.includes('errors')) console.log(first.slice(0, 300));
  for (let i = 0; i < 20; i++) await run();
  const cpu = process.cpuUsage(); const t = Date.now();
  for (let i = 0; i < 100; i++) await run();
  const used = process.cpuUsage(cpu);
  console.log(name, 'ms/req', (Date.now() - t) / 100, 'cpu ms/req', (used.user + used.system) / 1000 / 100, first.length);
}
process.exit(0);

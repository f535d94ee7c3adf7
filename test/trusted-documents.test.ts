// TRUSTED_DOCUMENTS=true: only the operations in operations/ run, sent by hash.
import { describe, expect, it } from 'vitest';
import { loadTrustedDocuments } from '../src/server/trusted-documents.js';
import { adminAuth, JWT_SECRET, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway({
  config: { graphiql: false, introspection: false, jwtSecret: JWT_SECRET, jwtAudience: undefined, serviceHostname: 'localhost', trustedDocuments: true },
});

async function send(body: unknown) {
  const response = await gateway.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: adminAuth },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions: { code: string } }[] } };
}

describe('trusted documents', () => {
  const documents = loadTrustedDocuments();
  const dashboard = [...documents].find(([, text]) => text.includes('query AdminInviteCodes'));

  it('has every operation of operations/, with its fragments', () => {
    expect(documents.size).toBeGreaterThanOrEqual(9);
    expect(dashboard?.[1]).toContain('fragment InviteCodeDetails');
  });

  it('runs a trusted document sent by its hash', async () => {
    const { status, json } = await send({ variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: dashboard![0] } } });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data?.inviteCodes).toBeDefined();
  });

  it('refuses any other document', async () => {
    const arbitrary = await send({ query: '{ inviteCodes(first: 1) { totalCount } }' });
    expect(arbitrary.json.errors?.[0]?.extensions.code).toBe('Forbidden');
    const unknown = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknown.json.errors?.[0]?.extensions.code).toBe('InvalidRequest');
  });
});

// TRUSTED_DOCUMENTS=true: only the operations in operations/ run, sent by hash.
import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { loadTrustedDocuments } from '../src/server/trusted-documents.js';
import { adminAuth, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway({
  config: { introspection: false, trustedDocuments: true },
});

async function send(body: unknown) {
  const response = await gateway.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: adminAuth },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

describe('trusted documents', () => {
  const documents = loadTrustedDocuments();
  const dashboard = [...documents].find(([, text]) => text.includes('query AdminInviteCodes'));

  it('has every operation of operations/, with its fragments', () => {
    const files = readdirSync(new URL('../operations/', import.meta.url)).filter((name) => name.endsWith('.graphql'));
    const operationNames = (text: string) =>
      parse(text).definitions.flatMap((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value] : [],
      );
    const texts = [...documents.values()];
    expect(texts.flatMap(operationNames).sort()).toEqual(
      files
        .flatMap((file) => operationNames(readFileSync(new URL(`../operations/${file}`, import.meta.url), 'utf8')))
        .sort(),
    );
    // Each document runs as it is: every fragment it spreads comes with it.
    for (const text of texts) expect(validate(schema, parse(text)), text).toEqual([]);
    expect(dashboard?.[1]).toContain('fragment InviteCodeDetails');
  });

  it('runs a trusted document sent by its hash', async () => {
    const { status, json } = await send({
      variables: { first: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: dashboard![0] } },
    });
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

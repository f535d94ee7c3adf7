// The README's examples run as pasted: every GraphQL block, and every shell block that calls the
// gateway with curl (the others install, start or benchmark), against the gateway on a real port.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFeed } from '../src/events/event-feed.js';
import type { Gateway } from '../src/server/gateway.js';
import { startTestFeed, subscribeSse } from './helpers/event-stream.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { ADMIN_PASSWORD, post, randomDid, startTestGateway } from './helpers/gateway.js';
import { type LoopbackServer, serveOnLoopback } from './helpers/loopback-server.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = (language: string) =>
  [...README.matchAll(/^\s*```(\w+)\n([\s\S]*?)^\s*```$/gm)]
    .filter(([, info]) => info === language)
    .map(([, , body]) => body!);
const shellExamples = blocks('sh').filter(
  (body) => /^\s*(\S+=\S*\s+)*(curl|gql)\b/m.test(body) && !/\bnpm\b/.test(body),
);
const graphqlExamples = blocks('graphql');

/** Values for an example's variables, by type: a fresh DID, say. */
function variablesFor(query: string): Record<string, unknown> {
  const operation = parse(query).definitions[0] as OperationDefinitionNode;
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const type = definition.type.kind === 'NonNullType' ? definition.type.type : definition.type;
    if (type.kind === 'NamedType' && type.name.value === 'Did') values[definition.variable.name.value] = randomDid();
  }
  return values;
}

describe('README examples', () => {
  startTestGateway(); // connects Prisma for the feed
  let feed: EventFeed;
  let gateway: Gateway;
  let served: LoopbackServer;
  let base = '';

  beforeAll(async () => {
    feed = await startTestFeed();
    gateway = startTestGateway({ events: feed });
    served = await serveOnLoopback(gateway);
    base = served.origin;
  });
  afterAll(async () => {
    await feed.close();
    await served.close();
  });

  it('has examples of both kinds', () => {
    expect(shellExamples.length).toBeGreaterThanOrEqual(2);
    expect(graphqlExamples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(graphqlExamples.map((query) => [query.split('\n')[0], query]))('GraphQL: %s', async (_, query) => {
    if (query!.startsWith('subscription')) {
      // Subscribed over SSE; a redemption then gives it an event.
      const stream = await subscribeSse(gateway.fetch, 'http://yoga/graphql', {}, { query });
      await new Promise((settle) => setTimeout(settle, 200));
      const [code] = await createCodes(gateway);
      await redeem(gateway, code!);
      const [first] = await stream.waitFor(1);
      stream.close();
      expect(first?.errors).toBeUndefined();
      expect(first?.data).toBeTruthy();
      return;
    }
    const result = await post(gateway, { query, variables: variablesFor(query!) });
    expect(result.errors).toBeUndefined();
    expect(result.data).toBeTruthy();
  });

  it.each(shellExamples.map((script) => [script.split('\n').find((line) => line.includes('localhost')), script]))(
    'shell: %s',
    async (_, script) => {
      const run = await promisify(execFile)(
        'bash',
        ['-eo', 'pipefail', '-c', script!.replaceAll('http://localhost:4000', base)],
        {
          env: { ...process.env, ADMIN_PASSWORD },
        },
      );
      const answers = run.stdout.split('\n').filter((line) => line.startsWith('{'));
      expect(answers.length).toBeGreaterThan(0);
      for (const answer of answers) {
        const { data, errors } = JSON.parse(answer) as { data?: unknown; errors?: unknown };
        expect(errors, answer).toBeUndefined();
        expect(data).toBeTruthy();
      }
    },
  );
});

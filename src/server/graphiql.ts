import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { GraphiQLOptions } from 'graphql-yoga';

const operation = (name: string) => readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8');
const dashboard = `${operation('admin-invite-codes')}\n${operation('fragments')}`;
const INVITE_TREE = `# The invite tree around an account: set
# "did" under Variables (below) to a
# forAccount or usedBy DID of the first tab.

${operation('invite-tree')}`;
const INVITE_TREE_VARIABLES = JSON.stringify({ did: 'did:plc:replace-me', first: 20 }, null, 2);

// Short lines (at most 42 characters): the editor is narrow on a laptop screen, and this is
// the first thing a new user reads.
const SIGN_IN = `# invitegate: AT Protocol invite codes
#
# Sign in first: open "Headers" (below)
# and paste the admin header printed by
# \`npm start\`:
#   { "Authorization": "Basic ..." }
# Account token: \`npm run token -- <did>\`
# Sample data: \`npm run db:seed\`
# Run: ▶ or Ctrl-Enter
`;

const PREFILLED = `# invitegate: AT Protocol invite codes
#
# Signed in as admin: this run's header
# is prefilled under "Headers" (shown to
# browsers on this machine only).
# Sample data: \`npm run db:seed\`
# Run: ▶ or Ctrl-Enter
`;

/** The operation GraphiQL opens with: the admin dashboard's page from operations/. */
export const GRAPHIQL_DEFAULT_QUERY = `${SIGN_IN}\n${dashboard}`;

/**
 * GraphiQL's options for one request. The admin header is prefilled only when `adminHeader` is
 * given (a generated password) and the browser is on this machine: a loopback socket, and a
 * loopback Host header, so that a web page rebinding its DNS name to 127.0.0.1 gets nothing.
 */
export function graphiqlOptions(
  request: Request,
  serverContext: unknown,
  adminHeader: string | undefined,
): GraphiQLOptions {
  const socket = (serverContext as { req?: IncomingMessage }).req?.socket.remoteAddress;
  if (!adminHeader || !isLoopbackAddress(socket) || !isLoopbackHost(request.headers.get('host'))) {
    return {
      title: 'invitegate',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      defaultTabs: tabs(GRAPHIQL_DEFAULT_QUERY),
      subscriptionsProtocol: 'SSE',
    };
  }
  const headers = JSON.stringify({ Authorization: adminHeader }, null, 2);
  const first = `${PREFILLED}\n${dashboard}`;
  return {
    title: 'invitegate',
    defaultQuery: first,
    headers,
    defaultTabs: tabs(first, headers),
    defaultEditorToolsVisibility: 'headers',
    // Subscriptions over SSE carry the Headers tab (a WebSocket upgrade from a browser cannot).
    subscriptionsProtocol: 'SSE',
  };
}

/** The dashboard first (the tab GraphiQL opens), then the invite tree of an account. */
function tabs(first: string, headers?: string): NonNullable<GraphiQLOptions['defaultTabs']> {
  return [
    { query: first, headers },
    { query: INVITE_TREE, variables: INVITE_TREE_VARIABLES, headers },
  ];
}

function isLoopbackAddress(address: string | undefined): boolean {
  return !!address && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

function isLoopbackHost(host: string | null): boolean {
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

import { readFileSync } from 'node:fs';

const operation = (name: string) => readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8');

/**
 * The operation GraphiQL opens with: the admin dashboard's page from operations/, which runs
 * with its defaults (newest codes first) on seeded data.
 */
export const GRAPHIQL_DEFAULT_QUERY = `# invitegate: AT Protocol invite codes over GraphQL.
# Admin operations need the header printed at start-up; paste it into the Headers tab:
#   { "Authorization": "Basic YWRtaW46..." }
# then run AdminInviteCodes (npm run db:seed fills sample data).

${operation('admin-invite-codes')}
${operation('fragments')}`;

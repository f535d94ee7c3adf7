// A frontend's use of the typed operations (client/generated/operations.ts, made by codegen
// from operations/): the admin dashboard's listing, page after page, with graphql-request.
import { GraphQLClient } from 'graphql-request';
import { AdminInviteCodesDocument, type AdminInviteCodesQuery, type InviteCodeFilter } from './generated/operations.js';

export type DashboardCode = AdminInviteCodesQuery['inviteCodes']['edges'][number]['node'];

export interface DashboardOptions {
  filter?: InviteCodeFilter;
  pageSize?: number;
}

/** Yields the codes most used first, one page at a time, following `endCursor` until the last page. */
export async function* dashboardPages(
  endpoint: string,
  authorization: string,
  { filter, pageSize = 100 }: DashboardOptions = {},
): AsyncGenerator<DashboardCode[]> {
  const client = new GraphQLClient(endpoint, { headers: { authorization } });
  let after: string | undefined;
  for (;;) {
    const { inviteCodes } = await client.request(AdminInviteCodesDocument, {
      sort: 'USAGE',
      filter,
      first: pageSize,
      after,
    });
    yield inviteCodes.edges.map(({ node }) => node);
    if (!inviteCodes.pageInfo.hasNextPage || !inviteCodes.pageInfo.endCursor) return;
    after = inviteCodes.pageInfo.endCursor;
  }
}

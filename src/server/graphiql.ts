/** The operation GraphiQL opens with: the admin dashboard's first page, on seeded data. */
export const GRAPHIQL_DEFAULT_QUERY = `# invitegate: AT Protocol invite codes over GraphQL.
# Admin operations need the header printed at start-up, for example:
#   { "Authorization": "Basic YWRtaW46..." }
# Paste it into the Headers tab below, then run this query (npm run db:seed fills sample data).

query RecentInviteCodes {
  inviteCodes(first: 10, sort: RECENT) {
    totalCount
    edges {
      node {
        code
        available
        usedCount
        remaining
        disabled
        forAccount
        createdBy
        createdAt
        uses {
          usedBy
          usedAt
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

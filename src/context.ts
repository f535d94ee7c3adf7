import type { Caller } from './auth/credentials.js';

/** What every GraphQL resolver receives. */
export interface GraphQLContext {
  caller: Caller;
  requestId: string;
}

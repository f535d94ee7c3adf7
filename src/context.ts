import type { Caller } from './auth/credentials.js';
import type { CodeGenerator } from './resolvers/generate-invite-code.js';

/** What every GraphQL resolver receives. */
export interface GraphQLContext {
  caller: Caller;
  requestId: string;
  /** Makes new invite code strings (the PDS format for SERVICE_HOSTNAME). */
  generateCode: CodeGenerator;
}

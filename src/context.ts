import type { Caller } from './auth/credentials.js';
import type { CodeGenerator } from './resolvers/generate-invite-code.js';
import type { EventSource } from './resolvers/subscribe-invite-code-events.js';

/** What every GraphQL resolver receives. */
export interface GraphQLContext {
  caller: Caller;
  requestId: string;
  /** Makes new invite code strings (the PDS format for SERVICE_HOSTNAME). */
  generateCode: CodeGenerator;
  /** This instance's live events (Subscription.inviteCodeEvents). */
  events: EventSource;
}

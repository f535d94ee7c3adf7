import { getPrisma } from '../db/prisma.js';
import { retryWhileUnavailable } from '../db/retry.js';
import { encodeEventCursor } from '../resolvers/event-cursor.js';
import { findInviteCode } from '../resolvers/find-invite-code.js';
import { findInviteCodeUse } from '../resolvers/find-invite-code-use.js';
import type { StoredEvent } from '../resolvers/invite-code-event-reader.js';
import { type EventOrFailure, subscribeInviteCodeEvents } from '../resolvers/subscribe-invite-code-events.js';
import { builder, refusalFor } from './builder.js';
import { InviteCode } from './invite-code.js';
import { InviteCodeUse } from './invite-code-use.js';

const InviteCodeEventKind = builder.enumType('InviteCodeEventKind', {
  description: 'What happened to a code.',
  values: {
    CREATED: { description: 'The code was issued.' },
    USED: { description: 'The code was redeemed: one more use.' },
    DISABLED: { description: 'The code was disabled (already disabled codes give no event).' },
  } as const,
});

const InviteCodeEventFilter = builder.inputType('InviteCodeEventFilter', {
  description: 'Which events to receive; every set field must match.',
  fields: (t) => ({
    forAccount: t.string({ description: 'Only codes owned by this DID (or "admin").' }),
    code: t.string({ description: 'Only this code.' }),
    kinds: t.field({ type: [InviteCodeEventKind], description: 'Only these kinds.' }),
  }),
});

const InviteCodeEvent = builder.objectRef<StoredEvent>('InviteCodeEvent').implement({
  description:
    'A committed change of one invite code. Every subscriber, on every gateway instance, sees events in one ' +
    'order, in which the changes of one code appear in commit order.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque. Subscribe with `after` set to it to resume right after this event.',
      resolve: (event) => encodeEventCursor(event),
    }),
    kind: t.field({ type: InviteCodeEventKind, resolve: (event) => event.kind, description: 'What happened.' }),
    at: t.field({ type: 'Datetime', resolve: (event) => event.at, description: 'When the change was made.' }),
    inviteCode: t.prismaField({
      type: InviteCode,
      description: 'The code, as it is when the event is delivered.',
      // An event was read, so the database answers: a failure here is a pooled connection it ended.
      resolve: async (query, event) => {
        const code = await retryWhileUnavailable(() => findInviteCode(getPrisma(), event.code, query));
        if (!code) throw new Error(`the code of event ${encodeEventCursor(event)} is gone`);
        return code;
      },
    }),
    use: t.prismaField({
      type: InviteCodeUse,
      nullable: true,
      description: 'The new use, for USED; null otherwise.',
      resolve: (query, event) => {
        const { usedBy } = event;
        return usedBy ? retryWhileUnavailable(() => findInviteCodeUse(getPrisma(), usedBy, query)) : null;
      },
    }),
  }),
});

builder.subscriptionType({
  description: 'Live events, over SSE (Accept: text/event-stream) or WebSocket (graphql-transport-ws) at /graphql.',
});

builder.subscriptionField('inviteCodeEvents', (t) =>
  t.field({
    type: InviteCodeEvent,
    description:
      'Events of invite codes: without `after`, those committed from now on; with `after`, every retained ' +
      'event after that cursor first, then live ones, with no gap and no duplicate. An expired cursor (older ' +
      'than the retention window) and a malformed one are InvalidRequest. The admin sees every event; an ' +
      'account, the events of the codes it owns. A subscriber that falls far behind is ended with ' +
      'SlowSubscriber: resubscribe with the last cursor it received.',
    args: {
      after: t.arg.string({ description: 'The cursor of the last event received, to resume after it.' }),
      filter: t.arg({ type: InviteCodeEventFilter, description: 'Only the events that match.' }),
    },
    // Checked when the subscription starts (scope-auth would check each event only).
    subscribe: (_root, args, { caller, events }) => {
      if (caller.kind !== 'admin' && caller.kind !== 'account') throw refusalFor(caller);
      return subscribeInviteCodeEvents(events, caller.kind === 'account' ? caller.did : undefined, args);
    },
    resolve: (item: EventOrFailure) => {
      if ('failure' in item) throw item.failure;
      return item;
    },
  }),
);

/**
 * The contract's error codes (`extensions.code`), defined once for every layer, and the errors
 * that are part of the API: the server turns a DomainError into a GraphQL error with its code;
 * anything else is an unexpected failure and is masked.
 */
export const ErrorCode = {
  /** No credentials, or bad ones. */
  AuthRequired: 'AuthRequired',
  /** Authenticated but not allowed. */
  Forbidden: 'Forbidden',
  /** Bad input of any kind; nothing changed. */
  InvalidRequest: 'InvalidRequest',
  /** A redemption refused, with `extensions.reason`. */
  InvalidInviteCode: 'InvalidInviteCode',
  /** Over the depth, alias, directive, token or cost limits; refused before execution. */
  QueryTooComplex: 'QueryTooComplex',
  /** Postgres cannot be reached; the request failed fast and changed nothing. */
  DatabaseUnavailable: 'DatabaseUnavailable',
  /** Too many failed admin logins from one client. */
  RateLimited: 'RateLimited',
  /** A subscription whose client did not keep up with its events, ended (resume with `after`). */
  SlowSubscriber: 'SlowSubscriber',
  /** The gateway serves as many subscriptions as it may (MAX_SUBSCRIPTIONS); try again later or elsewhere. */
  TooManySubscriptions: 'TooManySubscriptions',
  /** Anything unexpected, masked, with `extensions.requestId`. */
  InternalServerError: 'InternalServerError',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class InvalidRequestError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.InvalidRequest, message);
  }
}

/** Why a redemption was refused, in the order the checks run. */
export type RedeemRefusal = 'NOT_FOUND' | 'DISABLED' | 'ALREADY_USED' | 'EXHAUSTED';

export class InvalidInviteCodeError extends DomainError {
  constructor(
    readonly reason: RedeemRefusal,
    message = 'Provided invite code not available',
  ) {
    super(ErrorCode.InvalidInviteCode, message, { reason });
  }
}

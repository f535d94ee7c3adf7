/**
 * Errors that are part of the API: the server turns each into a GraphQL error whose
 * `extensions.code` is `code`. Anything else is an unexpected failure and is masked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class InvalidRequestError extends DomainError {
  constructor(message: string) {
    super('InvalidRequest', message);
  }
}

/** Argument checks shared by the resolvers; each names the argument it rejects. */
export function ensureIntInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidRequestError(`Argument "${name}" must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

import { InvalidRequestError } from '../errors.js';

/** Argument checks shared by the resolvers; each names the argument it rejects. */
export function ensureIntInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidRequestError(`Argument "${name}" must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

const MAX_TEXT_LENGTH = 2048;
// Postgres text cannot hold NUL; other control characters never occur in codes or DIDs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A code, owner or cursor string: at most 2048 characters, no control characters. */
export function ensureText(name: string, value: string): string {
  if (value.length > MAX_TEXT_LENGTH) {
    throw new InvalidRequestError(`Argument "${name}" is longer than ${MAX_TEXT_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(value)) throw new InvalidRequestError(`Argument "${name}" contains a control character`);
  return value;
}

// Postgres timestamps, written as ISO text, hold the years 1 to 9999.
const FIRST_STORABLE_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_STORABLE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether Postgres can store and compare this time (false for an invalid Date). */
export function isStorableTime(date: Date): boolean {
  const time = date.getTime();
  return time >= FIRST_STORABLE_TIME && time <= LAST_STORABLE_TIME;
}

/** Shortens a rejected value for an error message. */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

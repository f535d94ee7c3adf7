import { ensureValidDatetime, ensureValidDid } from '@atproto/syntax';
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from '../errors.js';
import { isStorableTime, quote } from '../resolvers/checks.js';
import { builder } from './builder.js';
import { sqlOutput } from './sql-declarations.js';

/** A scalar input that fails validation; the server names the argument in the final message. */
export class InvalidScalarError extends GraphQLError {
  constructor(message: string, node?: ValueNode) {
    super(message, { nodes: node ?? null, extensions: { code: ErrorCode.InvalidRequest } });
  }
}

/** parseLiteral: the literal's errors carry its node, so that validation can name the argument. */
function parseStringLiteral<T>(node: ValueNode, scalar: string, parse: (value: string) => T): T {
  if (node.kind !== Kind.STRING) throw new InvalidScalarError(`${scalar} must be a string`, node);
  try {
    return parse(node.value);
  } catch (error) {
    throw error instanceof InvalidScalarError ? new InvalidScalarError(error.message, node) : error;
  }
}

/** A string input that `ensure` (an @atproto/syntax validator) accepts; `name` labels errors. */
function validatedString(scalar: string, name: string, ensure: (value: string) => void) {
  return (value: unknown): string => {
    if (typeof value !== 'string') throw new InvalidScalarError(`${scalar} must be a string`);
    try {
      ensure(value);
    } catch (error) {
      throw new InvalidScalarError(`Invalid ${name} ${quote(value)}: ${(error as Error).message}`);
    }
    return value;
  };
}

const parseDid = validatedString('Did', 'DID', ensureValidDid);
const parseDatetimeString = validatedString('Datetime', 'datetime', ensureValidDatetime);
// A valid string can still fall outside what Postgres stores: "0001-01-01T00:00:00+05:00" is year 0 in UTC.
function parseDatetime(value: unknown): Date {
  const date = new Date(parseDatetimeString(value));
  if (!isStorableTime(date)) {
    throw new InvalidScalarError(`Invalid datetime ${quote(String(value))}: must be in the years 0001 to 9999 (UTC)`);
  }
  return date;
}

builder.scalarType('Did', {
  description:
    'A DID (decentralized identifier), such as did:plc:ewvi7nxzyoun6zhxrhs64oiz. Inputs must pass ' +
    'ensureValidDid from @atproto/syntax.',
  specifiedByURL: 'https://atproto.com/specs/did',
  serialize: (value) => value,
  extensions: sqlOutput((column) => column),
  parseValue: parseDid,
  parseLiteral: (node) => parseStringLiteral(node, 'Did', parseDid),
});

builder.scalarType('Datetime', {
  description:
    'An atproto datetime string. Inputs must pass ensureValidDatetime from @atproto/syntax; outputs are ' +
    'always YYYY-MM-DDTHH:mm:ss.sssZ (UTC, milliseconds).',
  specifiedByURL: 'https://atproto.com/specs/lexicon#datetime',
  serialize: (value) => {
    if (!(value instanceof Date)) throw new TypeError('Datetime output must be a Date');
    return value.toISOString();
  },
  // Date#toISOString in SQL: always UTC with milliseconds.
  extensions: sqlOutput((column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`),
  parseValue: parseDatetime,
  parseLiteral: (node) => parseStringLiteral(node, 'Datetime', parseDatetime),
});

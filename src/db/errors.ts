import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma } from '../generated/prisma/client.js';

// P1001 can't reach the server, P1002 timed out reaching it, P1008 operation timed out,
// P1017 server closed the connection, P2024 timed out waiting for a pooled connection.
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// SQLSTATEs of a server going away: admin or crash shutdown, not accepting connections yet, too
// many connections; class 08 is "connection exception".
const UNAVAILABLE_SQLSTATES = /^(08|57P0[123]|53300)/;
// What node-postgres throws itself when its connection broke under a transaction or no pooled
// connection came free in time, and the socket errors it passes on.
const BROKEN_CONNECTION = /is not queryable|^Connection terminated|^timeout exceeded when trying to connect/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

type AdapterCause = { kind?: string; originalCode?: string; code?: string } | undefined;

function causeMeansUnavailable(cause: AdapterCause, message: string): boolean {
  if (cause?.kind !== undefined && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  const sqlState = cause?.originalCode ?? cause?.code ?? /Code: `(\w{5})`/.exec(message)?.[1];
  return sqlState !== undefined && UNAVAILABLE_SQLSTATES.test(sqlState);
}

/** Whether an error means that Postgres could not be reached or stopped answering. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNAVAILABLE_CODES.has(error.code)) return true;
    return causeMeansUnavailable(
      (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause,
      error.message,
    );
  }
  // Prisma's transaction manager passes the driver adapter's error on as it is (commit, rollback).
  if (isDriverAdapterError(error)) return causeMeansUnavailable(error.cause as AdapterCause, error.message);
  if (error instanceof Error && !(error instanceof Prisma.PrismaClientValidationError)) {
    const code = (error as { code?: unknown }).code;
    // node-postgres' own errors (the gateway's hand-written statements) carry the SQLSTATE as code.
    return (
      BROKEN_CONNECTION.test(error.message) ||
      (typeof code === 'string' && (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATES.test(code)))
    );
  }
  return false;
}

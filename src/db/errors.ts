import { Prisma } from '../generated/prisma/client.js';

// P1001 can't reach the server, P1002 timed out reaching it, P1008 operation timed out,
// P1017 server closed the connection, P2024 timed out waiting for a pooled connection.
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** Whether an error means that Postgres could not be reached or stopped answering. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (UNAVAILABLE_CODES.has(error.code)) return true;
    const kind = (error.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)?.cause?.kind;
    return kind !== undefined && UNAVAILABLE_KINDS.has(kind);
  }
  return false;
}

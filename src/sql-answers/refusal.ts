/**
 * A query the SQL answers leave to graphql-js on purpose (a field they cannot build, a scope
 * they cannot decide for every row): planning stops quietly. Any other exception is a bug.
 */
export class Refusal extends Error {
  override name = 'Refusal';
}

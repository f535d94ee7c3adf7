/** extensions.code of an operation refused for its size, before execution. */
export const QUERY_TOO_COMPLEX = 'QueryTooComplex';

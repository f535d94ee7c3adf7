import { BREAK, GraphQLError, isValueNode, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/**
 * Validation reports a bad input literal at the value, without saying which argument it was
 * given for; this names the argument (and input field) and gives every validation error the
 * code InvalidRequest.
 */
export function useInvalidRequestCodes(): Plugin {
  return {
    onValidate({ params }) {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(result.map((error) => withArgumentName(error, params.documentAST)));
      };
    },
  };
}

function withArgumentName(error: GraphQLError, document: DocumentNode): GraphQLError {
  const node = error.nodes?.[0];
  const argument = node && isValueNode(node) ? argumentPath(document, node) : undefined;
  const message = argument ? `Invalid value for argument "${argument}": ${error.message}` : error.message;
  return new GraphQLError(message, {
    nodes: error.nodes ?? null,
    extensions: {
      ...error.extensions,
      code: error.extensions.code === ErrorCode.QueryTooComplex ? ErrorCode.QueryTooComplex : ErrorCode.InvalidRequest,
    },
  });
}

/** "input.forAccounts" for a value inside the argument `input`'s field `forAccounts`. */
function argumentPath(document: DocumentNode, target: ASTNode): string | undefined {
  let path: string | undefined;
  visit(document, {
    enter(node, _key, parent, _path, ancestors) {
      if (node !== target) return undefined;
      // `ancestors` stops short of the parent.
      const names = [...ancestors, parent].flatMap((ancestor) =>
        ancestor &&
        !Array.isArray(ancestor) &&
        'kind' in ancestor &&
        (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD)
          ? [(ancestor as { name: { value: string } }).name.value]
          : [],
      );
      path = names.length ? names.join('.') : undefined;
      return BREAK;
    },
  });
  return path;
}

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';

const OPERATIONS_DIR = new URL('../../operations/', import.meta.url);

/**
 * The operations in operations/, each printed with the fragments it uses, keyed by the sha256
 * of that text: the documents a client may run in trusted-documents mode.
 */
export function loadTrustedDocuments(): Map<string, string> {
  const definitions = readdirSync(OPERATIONS_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .flatMap((name) => parse(readFileSync(new URL(name, OPERATIONS_DIR), 'utf8')).definitions);
  const fragments = new Map(
    definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const documents = new Map<string, string>();
  for (const operation of definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)) {
    const text = print({ kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments(operation, fragments)] });
    documents.set(createHash('sha256').update(text).digest('hex'), text);
  }
  return documents;
}

function usedFragments(root: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(root);
  return [...used.values()];
}

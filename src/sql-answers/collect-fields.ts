import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

/**
 * The fields of selection sets on one object type, merged by response key in the order
 * graphql-js answers them. Undefined when the selection holds what a direct SQL answer leaves
 * to graphql-js: directives, or fragments on another type (an interface, say).
 */
export function collectFields(
  selectionSets: readonly SelectionSetNode[],
  typeName: string,
  fragments: Fragments,
): Map<string, FieldNode[]> | undefined {
  const fields = new Map<string, FieldNode[]>();
  const visit = (selectionSet: SelectionSetNode): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const merged = fields.get(key);
        if (merged) merged.push(selection);
        else fields.set(key, [selection]);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== typeName)) return false;
      if (!visit(fragment.selectionSet)) return false;
    }
    return true;
  };
  return selectionSets.every(visit) ? fields : undefined;
}

/** The selection sets below merged fields (validation guarantees they have the same type). */
export function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

import type { FieldNode } from 'graphql';
import type { Fragments } from './collect-fields.js';
import { constant, datetimeSql, globalIdSql, jsonObject, type FieldCompiler } from './json-object.js';

// Rows of invite_code_use are aliased u.
const USE_FIELDS = new Map<string, FieldCompiler<string>>([
  ['id', constant(globalIdSql('InviteCodeUse', 'u.used_by'))],
  ['usedBy', constant('u.used_by')],
  ['usedAt', constant(datetimeSql('u.used_at'))],
]);

/** `uses` of the code in row c, in USES_ORDER, as a JSON array. */
const usesSql: FieldCompiler<string> = (nodes, fragments) => {
  const use = jsonObject('InviteCodeUse', nodes, fragments, USE_FIELDS);
  return use && `coalesce((SELECT json_agg(${use} ORDER BY u.used_at DESC, u.used_by DESC) FROM invite_code_use u WHERE u.code = c.code), '[]'::json)`;
};

// Rows of invite_code are aliased c.
const CODE_FIELDS = new Map<string, FieldCompiler<string>>([
  ['id', constant(globalIdSql('InviteCode', 'c.code'))],
  ['code', constant('c.code')],
  ['available', constant('c.available_uses')],
  ['disabled', constant('c.disabled')],
  ['forAccount', constant('c.for_account')],
  ['createdBy', constant('c.created_by')],
  ['createdAt', constant(datetimeSql('c.created_at'))],
  ['usedCount', constant('c.used_count')],
  ['remaining', constant('greatest(c.available_uses - c.used_count, 0)')],
  // Visible to the admin and the code's owner: callers of a direct SQL answer are one of them.
  ['uses', usesSql],
]);

/**
 * The JSON of an InviteCode selection for the row c of invite_code; undefined when it selects
 * what only graphql-js answers (usesConnection, uses -> inviteCode, ...).
 */
export function inviteCodeJson(nodes: readonly FieldNode[], fragments: Fragments): string | undefined {
  return jsonObject('InviteCode', nodes, fragments, CODE_FIELDS);
}

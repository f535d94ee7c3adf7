import type { FieldNode } from 'graphql';
import type { Fragments } from './collect-fields.js';
import { constant, datetimeSql, globalIdSql, jsonObject, type FieldCompiler } from './json-object.js';

const useFields = (use: string) =>
  new Map<string, FieldCompiler<string>>([
    ['id', constant(globalIdSql('InviteCodeUse', `${use}.used_by`))],
    ['usedBy', constant(`${use}.used_by`)],
    ['usedAt', constant(datetimeSql(`${use}.used_at`))],
  ]);

/** `uses` of the code in row `code`, in USES_ORDER, as a JSON array. */
function usesSql(code: string): FieldCompiler<string> {
  return (nodes, fragments) => {
    const use = jsonObject('InviteCodeUse', nodes, fragments, useFields('u'));
    return (
      use &&
      `coalesce((SELECT json_agg(${use} ORDER BY u.used_at DESC, u.used_by DESC) FROM invite_code_use u WHERE u.code = ${code}.code), '[]'::json)`
    );
  };
}

const codeFields = (code: string) =>
  new Map<string, FieldCompiler<string>>([
    ['id', constant(globalIdSql('InviteCode', `${code}.code`))],
    ['code', constant(`${code}.code`)],
    ['available', constant(`${code}.available_uses`)],
    ['disabled', constant(`${code}.disabled`)],
    ['forAccount', constant(`${code}.for_account`)],
    ['createdBy', constant(`${code}.created_by`)],
    ['createdAt', constant(datetimeSql(`${code}.created_at`))],
    ['usedCount', constant(`${code}.used_count`)],
    ['remaining', constant(`greatest(${code}.available_uses - ${code}.used_count, 0)`)],
    // Visible to the admin and the code's owner: callers of a direct SQL answer are one of them.
    ['uses', usesSql(code)],
  ]);

/**
 * The JSON of an InviteCode selection for the row aliased `code` of invite_code; undefined when
 * it selects what only graphql-js answers (usesConnection, uses -> inviteCode, ...).
 */
export function inviteCodeJson(code: string, nodes: readonly FieldNode[], fragments: Fragments): string | undefined {
  return jsonObject('InviteCode', nodes, fragments, codeFields(code));
}

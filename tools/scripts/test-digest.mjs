#!/usr/bin/env node
// Prints what failed in a test log, compactly, for the end of `npm test`: CI shows only the last lines of
// a long run, and a failure in the second of nineteen projects scrolls far out of sight. Per failed Jest
// project: the failing spec files, each failing test's name with the first lines of its error, and any
// coverage threshold that was not met. Usage: node tools/scripts/test-digest.mjs <log>
import { readFileSync } from 'node:fs';

const ERROR_LINES = 14;
const MAX_TESTS = 12;
// Colour codes (ESC [ ... m), in case a tool coloured its output anyway.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const strip = (line) => line.replace(COLOUR, '');
const lines = readFileSync(process.argv[2], 'utf8').split('\n').map(strip);

const out = [];
let project = null;
let shown = 0;
for (let i = 0; i < lines.length; i++) {
  const line = lines[i];
  const run = /^> nx run (\S+)/.exec(line);
  if (run) project = run[1];
  if (/^\s*FAIL\s/.test(line) || /coverage threshold .* not met/.test(line) || /^# fail [1-9]/.test(line)) {
    out.push(`${project ?? '?'}: ${line.trim()}`);
  }
  // A failing Jest test: "  ● Suite › test name", followed by its error; "● Console" blocks are logs.
  const failed = /^\s*● (.+)$/.exec(line);
  if (failed && !/^Console$/.test(failed[1]) && shown < MAX_TESTS) {
    shown++;
    out.push(`${project ?? '?'}: ● ${failed[1]}`);
    let taken = 0;
    for (let j = i + 1; j < lines.length && taken < ERROR_LINES; j++) {
      if (/^\s*● /.test(lines[j]) || /^\s*(PASS|FAIL)\s/.test(lines[j])) break;
      if (lines[j].trim() === '') continue;
      out.push(`    ${lines[j].trim().slice(0, 200)}`);
      taken++;
    }
  }
}
if (out.length > 0) {
  console.log('\n== what failed (digest of the test log above)');
  console.log(out.join('\n'));
  if (shown >= MAX_TESTS) console.log(`(first ${MAX_TESTS} failing tests shown; the whole log is above)`);
}

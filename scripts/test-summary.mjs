#!/usr/bin/env node
// Adds up the pass/fail counts that each package's test run left in the results folder and
// prints one closing line, `Tests: N passed, N failed`, for the whole repository.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
if (dir && existsSync(dir)) {
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    const num = (label) => Number(text.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
    passed += num('pass');
    failed += num('fail') + num('cancelled');
    skipped += num('skipped') + num('todo');
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

#!/usr/bin/env node
// Runs node's built-in test runner over every *.test.ts file below the given folders,
// with TypeScript loaded by tsx and workspace packages resolved to their sources.
// Node 20's runner has no glob support, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

const args = process.argv.slice(2);
const dirs = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) {
      continue;
    }
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      walk(p, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(p);
    }
  }
  return out;
}

const files = dirs.filter((d) => existsSync(d)).flatMap((d) => walk(d, []));
files.sort();
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${dirs.join(', ')}`);
  process.exit(1);
}
// node's runner applies --test-timeout to each whole file as well as to each test in it. A file
// whose one scenario needs longer (building container images, say) names its own limit in its
// opening comment, `@file-timeout <ms>`, and runs in a runner of its own with that limit.
const DEFAULT_TIMEOUT_MS = 120000;
const groups = new Map();
for (const f of files) {
  const declared = /@file-timeout (\d+)/.exec(readFileSync(f, 'utf8').slice(0, 4096));
  const timeout = declared ? Number(declared[1]) : DEFAULT_TIMEOUT_MS;
  groups.set(timeout, [...(groups.get(timeout) ?? []), f]);
}
let status = 0;
for (const [timeout, group] of [...groups].sort((a, b) => a[0] - b[0])) {
  // With PENGUINCAST_TEST_RESULTS set, a TAP copy of the run lands there for the summary line.
  const reporters = [];
  const resultsDir = process.env.PENGUINCAST_TEST_RESULTS;
  if (resultsDir) {
    const file = join(resultsDir, `${basename(process.cwd())}-${process.pid}-${timeout}.tap`);
    reporters.push(
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${file}`,
    );
  }
  const res = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--test',
      `--test-timeout=${timeout}`,
      ...reporters,
      ...passThrough,
      ...group,
    ],
    { stdio: 'inherit' },
  );
  if (res.status !== 0) {
    status = res.status ?? 1;
  }
}
process.exit(status);

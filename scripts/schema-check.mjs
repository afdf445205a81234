// Fails when schema.graphql, operations/generated/ or web/src/generated/ is not what codegen prints from the code now
// (run `npm run codegen`).
// Codegen itself fails when a document in operations/ stops validating against the schema.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('.cache', { recursive: true });
const out = '.cache/schema.graphql';
/** each committed codegen output directory and where the check prints it instead */
const dirs = [
  { committed: 'operations/generated/', check: '.cache/operations-generated/', env: 'OPS_OUT' },
  { committed: 'web/src/generated/', check: '.cache/web-generated/', env: 'WEB_OUT' },
];
for (const d of dirs) rmSync(d.check, { recursive: true, force: true });
try {
  execFileSync('node_modules/.bin/graphql-codegen', ['--config', 'codegen.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      SCHEMA_OUT: out,
      ...Object.fromEntries(dirs.map((d) => [d.env, d.check])),
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim(),
    },
  });
} catch {
  console.error('codegen failed: a document in operations/ may no longer validate against the schema (see above)');
  process.exit(1);
}

function list(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // missing counts as drift
  }
}

const stale = [];
if (read(out) !== read('schema.graphql')) stale.push('schema.graphql');
for (const d of dirs) {
  for (const name of new Set([...list(d.check), ...list(d.committed)])) {
    if (read(`${d.check}${name}`) !== read(`${d.committed}${name}`)) stale.push(`${d.committed}${name}`);
  }
}
if (stale.length) {
  console.error(`out of date with src/schema and operations/: ${stale.join(', ')}: run \`npm run codegen\` and commit them`);
  process.exit(1);
}
console.log('schema.graphql, operations/generated/ and web/src/generated/ are up to date');

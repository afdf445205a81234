// Fails when schema.graphql or operations/generated/ is not what codegen prints from the code now (run `npm run codegen`).
// Codegen itself fails when a document in operations/ stops validating against the schema.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('.cache', { recursive: true });
const out = '.cache/schema.graphql';
const opsOut = '.cache/operations-generated/';
rmSync(opsOut, { recursive: true, force: true });
try {
  execFileSync('node_modules/.bin/graphql-codegen', ['--config', 'codegen.ts'], {
    stdio: 'inherit',
    env: { ...process.env, SCHEMA_OUT: out, OPS_OUT: opsOut, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
  });
} catch {
  console.error('codegen failed: a document in operations/ may no longer validate against the schema (see above)');
  process.exit(1);
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
const names = new Set([...readdirSync(opsOut), ...(read('operations/generated/index.ts') === null ? [] : readdirSync('operations/generated'))]);
for (const name of names) {
  if (read(`${opsOut}${name}`) !== read(`operations/generated/${name}`)) stale.push(`operations/generated/${name}`);
}
if (stale.length) {
  console.error(`out of date with src/schema and operations/: ${stale.join(', ')}: run \`npm run codegen\` and commit them`);
  process.exit(1);
}
console.log('schema.graphql and operations/generated/ are up to date');

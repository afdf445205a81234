// Fails when schema.graphql is not what codegen prints from the code now (run `npm run codegen`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('.cache', { recursive: true });
const out = '.cache/schema.graphql';
execFileSync('node_modules/.bin/graphql-codegen', ['--config', 'codegen.ts'], {
  stdio: 'inherit',
  env: { ...process.env, SCHEMA_OUT: out, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
});
let committed = '';
try {
  committed = readFileSync('schema.graphql', 'utf8');
} catch {
  // missing counts as drift
}
if (readFileSync(out, 'utf8') !== committed) {
  console.error('schema.graphql is out of date with src/schema: run `npm run codegen` and commit schema.graphql');
  process.exit(1);
}
console.log('schema.graphql is up to date');

// Runs the shared API contract check when ../shared is beside this checkout (as in CI and development).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tool = '../shared/tools/contract-check.mjs';
if (!existsSync(tool)) {
  console.log(`contract check skipped: ${tool} not found`);
  process.exit(0);
}
execFileSync(process.execPath, [tool, 'schema.graphql'], { stdio: 'inherit' });

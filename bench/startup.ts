/**
 * Prints start-up time of the production start (`node dist/main.js`) against `npm start` (tsx on the sources): from
 * spawn to the "avgraph ready" log line, in demo mode, median and range of several runs each, plus the start-up the
 * process reports itself (startupMs: after module loading). Builds dist/ first when it is missing.
 * Run: npx tsx bench/startup.ts [runs=5]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 5);
const root = process.cwd();
const bin = (name: string) => join(root, 'node_modules/.bin', name);

if (!existsSync(join(root, 'dist/main.js'))) {
  console.log('dist/ missing: npm run build');
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

/** Spawns, waits for the ready line, stops it with SIGTERM; ms to ready and the process's own startupMs. */
function once(cmd: string, args: string[]): Promise<{ ms: number; own: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let ready: { ms: number; own: number } | null = null;
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('avgraph ready'));
      if (!line || ready) return;
      ready = { ms: performance.now() - t0, own: (JSON.parse(line) as { startupMs: number }).startupMs };
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => (ready ? resolve(ready) : reject(new Error(`${cmd} exited (${code}) before ready:\n${out}`))));
  });
}

async function measure(label: string, cmd: string, args: string[]): Promise<void> {
  await once(cmd, args); // warm the file-system cache (and tsx's transform cache) first
  const all: { ms: number; own: number }[] = [];
  for (let i = 0; i < runs; i++) all.push(await once(cmd, args));
  const ms = all.map((r) => r.ms).sort((a, b) => a - b);
  const own = all.map((r) => r.own).sort((a, b) => a - b);
  const mid = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
  console.log(
    `${label.padEnd(22)} spawn→ready median ${mid(ms).toFixed(0)} ms (${ms[0]!.toFixed(0)}–${ms.at(-1)!.toFixed(0)}), ` +
      `in-process startupMs median ${mid(own)} ms, ${runs} runs`,
  );
}

await measure('node dist/main.js', process.execPath, ['dist/main.js']);
await measure('tsx src/main.ts', bin('tsx'), ['src/main.ts']);

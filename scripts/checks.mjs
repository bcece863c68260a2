// What `npm test` runs before the tests: the type check, the lint, the format check and the build,
// two at a time (this machine and CI have two cores; run one after another they were about a
// tenth of CI's time). The format check runs before the build, never beside it: the build first
// brings the generated files up to date (esbuild.config.mjs), and the check must not read one
// half-written. Each command's output is printed whole when it ends, under its name; the exit code
// is the first failure's, after all have run, so one run reports every problem.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** In the order they start; `after`: a command that must have ended first. */
const commands = [
  { name: 'lint', args: ['run', '--silent', 'lint'] },
  { name: 'typecheck', args: ['run', '--silent', 'typecheck'] },
  { name: 'format:check', args: ['run', '--silent', 'format:check'] },
  { name: 'build', args: ['run', '--silent', 'build'], after: 'format:check' },
];
const PARALLEL = 2;

const ended = new Map();
let running = 0;
let failed = 0;

function run(c) {
  running++;
  const t0 = Date.now();
  const out = [];
  const p = spawn(npm, c.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d) => out.push(d));
  p.stderr.on('data', (d) => out.push(d));
  p.on('close', (code, signal) => {
    running--;
    const status = code ?? (signal ? 128 : 1);
    ended.set(c.name, status);
    const text = Buffer.concat(out).toString('utf8').trimEnd();
    console.log(`── ${c.name}: ${status === 0 ? 'ok' : `failed (exit ${status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (text) console.log(text);
    if (status !== 0 && !failed) failed = status;
    next();
  });
  p.on('error', (e) => {
    console.error(`── ${c.name}: cannot start npm: ${e.message}`);
    process.exit(1);
  });
}

const waiting = [...commands];
function next() {
  for (let i = 0; i < waiting.length && running < PARALLEL;) {
    const c = waiting[i];
    if (c.after && !ended.has(c.after)) {
      i++;
      continue;
    }
    waiting.splice(i, 1);
    run(c);
  }
  if (!waiting.length && !running) process.exit(failed);
}
next();

// What the browser tests share: skipping (exit 77, or failing under CI=true), installing the
// pinned npm packages only when package-lock.json changed, waiting for another process, and
// named steps whose failures are counted rather than ending the run.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawnSync } = require('child_process');

const SKIP = 77;

function skip(why) {
  if (process.env.CI === 'true') {
    console.log(`FAILED (CI=true, so this test may not skip): ${why}`);
    process.exit(1);
  }
  console.log(`SKIPPED: ${why}`);
  process.exit(SKIP);
}

// The im binary under test ($IM_BINARY, set by CMake); exits 1 when it is missing.
function imBinary() {
  const binary = process.env.IM_BINARY;
  if (!binary || !fs.existsSync(binary)) {
    console.error(`IM_BINARY must name the im binary (got '${binary}')`);
    process.exit(1);
  }
  return binary;
}

// The first of `candidates` (an environment override, then Debian's paths) that exists, or a
// skip naming the package that provides it.
function findBrowser(candidates, pkg) {
  for (const p of candidates) {
    if (p && fs.existsSync(p)) return p;
  }
  return skip(`${pkg} is not installed (scripts/setup.sh installs Debian's ${pkg})`);
}

// `npm ci` in tests/browser when its lock file changed since the last install. (The browser
// tests run one at a time: ctest's RUN_SERIAL.)
function ensureModules(dir) {
  const lock = fs.readFileSync(path.join(dir, 'package-lock.json'));
  const hash = crypto.createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(dir, 'node_modules', '.im-lock-sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  if (npm.error || npm.status !== 0) skip('npm is not installed');
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: dir, encoding: 'utf8', timeout: 180000,
  });
  if (ci.status !== 0) {
    skip(`npm ci failed (is the npm registry reachable?): ${(ci.stderr || '').slice(-400)}`);
  }
  fs.writeFileSync(stamp, hash);
}

// Waits for `fn()` to be truthy, polling with a deadline (the thing waited for happens in
// another process: the server's outbox, the simulator).
async function eventually(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const results = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, 'ok']);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push([name, 'FAILED']);
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

// Prints the tally and exits 1 when a step failed.
function finish(out) {
  const failed = results.filter(([, r]) => r !== 'ok');
  console.log(`${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${out}`);
  process.exit(failed.length ? 1 : 0);
}

module.exports = { skip, imBinary, findBrowser, ensureModules, eventually, step, finish };

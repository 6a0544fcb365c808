// Starts the real `im` binary's long-running commands (`im serve`, `im sim pagerduty`) on free
// ports and runs its one-shot commands, for the browser tests and the dashboard benchmark.
'use strict';

const { spawn, spawnSync } = require('child_process');

// Starts `im ...args` and resolves once it prints a URL on 127.0.0.1.
function startIm(binary, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IM_DATA_DIR: '', IM_CONFIG: '', ...env },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`im ${args.join(' ')} printed no URL in 30 s: ${out}${err}`));
    }, 30000);
    const onData = (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeListener('data', onData);
        child.stdout.resume();
        resolve({
          url: m[1],
          child,
          stderr: () => err,
          stop: () => new Promise((res) => {
            if (child.exitCode !== null) return res(child.exitCode);
            child.once('exit', (code) => res(code));
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`im ${args.join(' ')} exited with ${code}: ${out}${err}`));
    });
  });
}

// Runs `im --data-dir DIR ...args` to the end; throws with its stderr when it fails.
function im(binary, dataDir, args, { allowFail = false } = {}) {
  const r = spawnSync(binary, ['--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, IM_DATA_DIR: '', IM_CONFIG: '' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`im ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  }
  return r;
}

module.exports = { startIm, im };

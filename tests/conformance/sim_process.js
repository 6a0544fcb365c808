// Starts `im sim <provider>` on a free port and stops it: the command prints its URL.
'use strict';

const path = require('path');
const { spawn } = require('child_process');

// docs/fixtures/<name>, the shipped example fixture a suite can start the simulator with.
function fixturePath(name) {
  const source = process.env.IM_SOURCE_DIR || path.resolve(__dirname, '..', '..');
  return path.join(source, 'docs', 'fixtures', name);
}

function startSimulator(binary, provider, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['sim', provider, '--listen', '127.0.0.1:0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`im sim ${provider} printed no URL in 20 s: ${out}${err}`));
    }, 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`im sim ${provider} exited with ${code}: ${out}${err}`));
    });
  });
}

module.exports = { startSimulator, fixturePath };

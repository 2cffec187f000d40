// `npm run e2e`
//   BASE_URL set   -> runs the browser spec against that server (e.g. the real Rust server).
//   BASE_URL unset -> builds web/dist, starts the TEST FAKE server (fake-server.mjs) on a free
//                     port, and runs the spec against it.
// Env: CHROMIUM_PATH (default /usr/bin/chromium), SCREENSHOT (default /tmp/web-shot.png),
//      E2E_NO_BUILD=1 to skip the build in fake mode, E2E_TIMEOUT (ms, default 60000).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(WEB, 'e2e', 'interview.spec.mjs');

function runSpec(env) {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', spec], { stdio: 'inherit', env: { ...process.env, ...env }, cwd: WEB });
    child.on('exit', (code) => res(code ?? 1));
  });
}

let code;
if (process.env.BASE_URL) {
  code = await runSpec({});
} else {
  if (process.env.E2E_NO_BUILD !== '1') {
    const b = spawnSync(process.execPath, [resolve(WEB, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { stdio: 'inherit', cwd: WEB });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  const { startFakeServer } = await import('./fake-server.mjs');
  const srv = await startFakeServer({ port: 0, delay: 8 });
  console.log(`[e2e] TEST FAKE server at ${srv.url}`);
  code = await runSpec({ BASE_URL: srv.url, FAKE_SERVER: '1' });
  await srv.close();
}
process.exit(code);

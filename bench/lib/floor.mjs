// The framework's floor: a minimal Next.js app of the same version as the product (one route
// handler that reads a JSON body and answers JSON), written and built outside the product's source
// tree, in the benchmark's own folder, with the product's node_modules linked in (so the very same
// next, react and react-dom). Built once per Next.js version; the build is kept.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log, repoDir, workDir } from './common.mjs';

export const floorRoute = '/api/echo';

const files = {
  'package.json': JSON.stringify({ name: 'next-floor', private: true, scripts: { build: 'next build' } }, null, 2),
  // Turbopack refuses files outside its root: the linked node_modules live in the product's tree.
  'next.config.mjs': `export default { poweredByHeader: false, turbopack: { root: '/' }, outputFileTracingRoot: '/' };\n`,
  'app/api/echo/route.js': `export async function POST(request) {
  const body = await request.json();
  return Response.json({ ok: true, received: body });
}
`,
};

/** Writes and builds the floor app if needed; returns its folder. */
export function floorApp() {
  const version = JSON.parse(readFileSync(path.join(repoDir, 'node_modules', 'next', 'package.json'), 'utf8')).version;
  const dir = path.join(workDir, `floor-next-${version}`);
  const stamp = path.join(dir, '.next', 'BUILD_ID');
  const same = Object.entries(files).every(([name, text]) => existsSync(path.join(dir, name)) && readFileSync(path.join(dir, name), 'utf8') === text);
  if (same && existsSync(stamp)) return { dir, version };
  rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  symlinkSync(path.join(repoDir, 'node_modules'), path.join(dir, 'node_modules'));
  log(`building the floor app (Next.js ${version}) in ${dir}…`);
  execFileSync(process.execPath, [path.join(dir, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  return { dir, version };
}

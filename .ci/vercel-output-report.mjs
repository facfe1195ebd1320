// Reads what `vercel build` wrote to .vercel/output and prints, for each function, its runtime and
// its traced size: the files in its folder plus the project files its `filePathMap` points at, i.e.
// what Vercel would upload for it. Routes that share one function (symlinks) are counted once.
// Exits non-zero when a Node.js function is not on the runtime that package.json's engines names,
// or is over Vercel's 250 MB limit, since either would break a deploy; or when a function other than
// the jobs route's carries PDF.js and the canvas (40 MB each time).
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const root = process.cwd();
const functionsDir = path.join(root, '.vercel/output/functions');
const limitBytes = 250 * 1000 * 1000;
const { engines } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const expectedRuntime = `nodejs${engines.node}`;

async function* funcFolders(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.endsWith('.func')) yield full;
    else if (entry.isDirectory()) yield* funcFolders(full);
  }
}

async function filesUnder(dir) {
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() || entry.isSymbolicLink())
      files.push(path.join(entry.parentPath, entry.name));
  }
  return files;
}

const byTarget = new Map();
for await (const folder of funcFolders(functionsDir)) {
  const target = await realpath(folder);
  const route = path.relative(functionsDir, folder).replace(/\.func$/, '');
  const known = byTarget.get(target);
  if (known) known.routes.push(route);
  else byTarget.set(target, { routes: [route] });
}

const problems = [];
const rows = [];
for (const [target, fn] of byTarget) {
  const config = JSON.parse(await readFile(path.join(target, '.vc-config.json'), 'utf8'));
  const sizes = new Map();
  for (const file of await filesUnder(target)) {
    sizes.set(path.relative(target, file), (await lstat(file)).size);
  }
  for (const [inFunction, inProject] of Object.entries(config.filePathMap ?? {})) {
    sizes.set(inFunction, (await stat(path.join(root, inProject))).size);
  }
  const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  const runtime = config.runtime ?? 'edge';
  if (runtime.startsWith('nodejs') && runtime !== expectedRuntime)
    problems.push(`${fn.routes[0]}: runtime ${runtime}, expected ${expectedRuntime}`);
  if (bytes > limitBytes)
    problems.push(`${fn.routes[0]}: ${(bytes / 1e6).toFixed(1)} MB is over Vercel's 250 MB limit`);
  rows.push({ routes: fn.routes.sort(), runtime, files: sizes.size, bytes, sizes });
}

// PDF.js and the canvas (40 MB) belong to the jobs function alone (it runs the analyses) (next.config.ts). Vercel puts
// routes with the same settings (maxDuration, memory...) into one function, files included: a route
// that joined the jobs route's function would carry them too.
const analysisRoute = 'api/jobs';
for (const row of rows) {
  const heavy = [...row.sizes.keys()].some((file) => /node_modules\/(pdfjs-dist|@napi-rs\/canvas)/.test(file));
  const others = row.routes.filter((route) => route !== analysisRoute && route !== `${analysisRoute}.rsc`);
  if (heavy && others.length > 0)
    problems.push(`${others[0]}: carries PDF.js or the canvas, which only ${analysisRoute} should (shared with ${others.length} routes)`);
}

rows.sort((a, b) => b.bytes - a.bytes);
console.log(
  `${rows.length} functions (${[...byTarget.values()].reduce((n, fn) => n + fn.routes.length, 0)} routes):`,
);
for (const row of rows) {
  const also = row.routes.length > 1 ? ` (+${row.routes.length - 1} routes)` : '';
  console.log(
    `  ${(row.bytes / 1e6).toFixed(2).padStart(7)} MB  ${String(row.files).padStart(5)} files  ${row.runtime}  ${row.routes[0]}${also}`,
  );
}

// Where the largest function's bytes come from, by package.
const largest = rows[0];
if (largest) {
  const byPackage = new Map();
  for (const [file, size] of largest.sizes) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match ? match[1] : file.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + size);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(
    `largest function, by package: ${top.map(([name, size]) => `${name} ${(size / 1e6).toFixed(2)} MB`).join(', ')}`,
  );
}

if (problems.length > 0) {
  console.error(`Vercel output problems:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

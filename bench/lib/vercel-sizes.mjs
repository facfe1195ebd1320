// Traced size of each Vercel function, from what `vercel build` (run by CI, or by hand:
// `.ci/tools/node_modules/.bin/vercel build --yes`) left in .vercel/output: the files in its folder
// plus the project files its `filePathMap` points at, counted the way .ci/vercel-output-report.mjs
// counts them. Null when there is no such output.
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoDir } from './common.mjs';

function* funcFolders(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.endsWith('.func')) yield full;
    else if (entry.isDirectory()) yield* funcFolders(full);
  }
}

export function vercelFunctionSizes(root = repoDir) {
  const functionsDir = path.join(root, '.vercel', 'output', 'functions');
  if (!existsSync(functionsDir)) return null;
  const byTarget = new Map();
  for (const folder of funcFolders(functionsDir)) {
    const target = realpathSync(folder);
    const route = path.relative(functionsDir, folder).replace(/\.func$/, '');
    byTarget.set(target, [...(byTarget.get(target) ?? []), route]);
  }
  const functions = [];
  for (const [target, routes] of byTarget) {
    const sizes = new Map();
    for (const entry of readdirSync(target, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() || entry.isSymbolicLink()) {
        const file = path.join(entry.parentPath, entry.name);
        sizes.set(path.relative(target, file), lstatSync(file).size);
      }
    }
    const config = JSON.parse(readFileSync(path.join(target, '.vc-config.json'), 'utf8'));
    for (const [inFunction, inProject] of Object.entries(config.filePathMap ?? {})) {
      sizes.set(inFunction, statSync(path.join(root, inProject)).size);
    }
    const byPackage = new Map();
    for (const [file, size] of sizes) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const key = match ? match[1] : '(app and framework files)';
      byPackage.set(key, (byPackage.get(key) ?? 0) + size);
    }
    functions.push({
      routes: routes.sort(),
      runtime: config.runtime ?? 'edge',
      bytes: [...sizes.values()].reduce((sum, size) => sum + size, 0),
      largestPackages: [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, bytes]) => ({ name, bytes })),
    });
  }
  functions.sort((a, b) => b.bytes - a.bytes);
  const built = statSync(path.join(root, '.vercel', 'output', 'config.json'), { throwIfNoEntry: false })?.mtime ?? statSync(functionsDir).mtime;
  return { builtAt: built.toISOString(), functions };
}

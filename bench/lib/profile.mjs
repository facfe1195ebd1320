// Summarises V8 .cpuprofile files (the main thread's, over the measured runs: lib/inspector.mjs):
// self time by package/module and by function, and total (inclusive) time of the app's own
// functions. Frames in the app's bundle (.next/server) are mapped back to their source file and
// line through the bundle's source maps.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

const maps = new Map();

function sourceMapOf(url) {
  if (!maps.has(url)) {
    let map = null;
    try {
      const file = url.replace(/^file:\/\//, '');
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** { module, name } of a call frame: the app's own frames by their source file. */
function describe(callFrame) {
  const functionName = callFrame.functionName || '(anonymous)';
  const { url } = callFrame;
  if (!url) return { module: '(native / V8)', name: `${functionName} (native / V8)` };
  if (/\.next\/server/.test(url)) {
    const entry = sourceMapOf(url)?.findEntry(callFrame.lineNumber, callFrame.columnNumber);
    const source = entry?.originalSource?.replace(/^.*\[project\]\//, '').replace(/^turbopack:\/\/\//, '');
    if (source) {
      const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
      const owner = packageMatch ? packageMatch[1] : /^(app|lib|db)\//.test(source) ? `app: ${source}` : '.next/server (app bundle)';
      return { module: owner, name: `${callFrame.functionName || entry.name || '(anonymous)'} ${source}:${entry.originalLine + 1}` };
    }
    return { module: '.next/server (app bundle)', name: `${functionName} .next/server:${callFrame.lineNumber + 1}` };
  }
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  const owner = packageMatch ? packageMatch[1] : url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
  return { module: owner, name: `${functionName} ${owner}:${callFrame.lineNumber + 1}` };
}

function summarise(folder, files, top) {
  const byModule = new Map();
  const byFunction = new Map();
  const appTotal = new Map();
  let total = 0;
  const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const described = new Map(profile.nodes.map((node) => [node.id, describe(node.callFrame)]));
    const self = new Map();
    for (let index = 0; index < profile.samples.length; index += 1) {
      add(self, profile.samples[index], profile.timeDeltas[index] ?? 0);
    }
    for (const [id, micros] of self) {
      if (nodes.get(id).callFrame.functionName === '(idle)') continue;
      total += micros;
      const { module, name } = described.get(id);
      add(byModule, module, micros);
      add(byFunction, name, micros);
      // Inclusive time of the app's own functions (each counted once per sample).
      const seen = new Set();
      for (let current = id; current !== undefined; current = parent.get(current)) {
        const frame = described.get(current);
        if (frame.module.startsWith('app: ') && !seen.has(frame.name)) {
          seen.add(frame.name);
          add(appTotal, frame.name, micros);
        }
      }
    }
  }
  const rank = (map, count = top) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), percent: Math.round((micros / total) * 1000) / 10 }));
  return { files: files.length, busyMs: Math.round(total / 1000), byModule: rank(byModule), byFunction: rank(byFunction), appTotal: rank(appTotal, 20) };
}

/** One summary per endpoint: the profiles are named `<endpoint>-c<connections>.cpuprofile`. */
export function summariseProfiles(folder, top = 12) {
  const files = readdirSync(folder).filter((file) => file.endsWith('.cpuprofile'));
  const endpoints = new Map();
  for (const file of files) {
    const endpoint = file.replace(/(-c\d+)?\.cpuprofile$/, '');
    endpoints.set(endpoint, [...(endpoints.get(endpoint) ?? []), file]);
  }
  return Object.fromEntries([...endpoints].map(([endpoint, group]) => [endpoint, summarise(folder, group, top)]));
}

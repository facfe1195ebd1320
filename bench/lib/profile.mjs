// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package/module and by function.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function moduleOf(url) {
  if (!url) return '(native / V8)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  if (url.startsWith('node:')) return url;
  if (/\.next\/server/.test(url)) return '.next/server (app bundle)';
  return url.replace(/^file:\/\//, '');
}

export function summariseProfiles(folder, top = 12) {
  const files = readdirSync(folder).filter((file) => file.endsWith('.cpuprofile'));
  const byModule = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    for (let index = 0; index < profile.samples.length; index += 1) {
      const delta = profile.timeDeltas[index] ?? 0;
      self.set(profile.samples[index], (self.get(profile.samples[index]) ?? 0) + delta);
    }
    for (const [id, micros] of self) {
      const { callFrame } = nodes.get(id);
      if (callFrame.functionName === '(idle)') continue;
      total += micros;
      const moduleName = moduleOf(callFrame.url);
      byModule.set(moduleName, (byModule.get(moduleName) ?? 0) + micros);
      const name = `${callFrame.functionName || '(anonymous)'} ${moduleName}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    }
  }
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), percent: Math.round((micros / total) * 1000) / 10 }));
  return { files: files.length, busyMs: Math.round(total / 1000), byModule: rank(byModule), byFunction: rank(byFunction) };
}

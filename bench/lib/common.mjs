// Shared helpers for the benchmarks: statistics, /proc readings, test files, the machine.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(benchDir, '..');
export const workDir = process.env.BENCH_TMP ?? '/tmp/rd-bench';
export const MB = 1_000_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function log(...parts) {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);
}

export function fmt(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (typeof value !== 'number') return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

// ---------- /proc ----------

export const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** { rss, hwm } in bytes from /proc/<pid>/status. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets the peak-RSS counter (VmHWM) to the current RSS, so the next peak is this run's own. */
export function resetPeak(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

export function childrenOf(pid) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

export function descendantsOf(pid) {
  const all = [];
  for (const child of childrenOf(pid)) all.push(child, ...descendantsOf(child));
  return all;
}

export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Measures a process around an action: CPU seconds used and its peak RSS during the action. */
export async function measureProcess(pid, action) {
  resetPeak(pid);
  const before = { cpu: cpuSeconds(pid), ...memory(pid) };
  const started = performance.now();
  const result = await action();
  const after = { cpu: cpuSeconds(pid), ...memory(pid) };
  return { cpu: after.cpu - before.cpu, peakRss: after.hwm, rssBefore: before.rss, wall: (performance.now() - started) / 1000, result };
}

// ---------- files ----------

/**
 * A PDF of exactly `bytes` bytes (a valid one-page PDF whose bulk is comment lines), cached in the
 * bench folder under /tmp so that repeated runs do not rewrite gigabytes.
 */
export async function makePdfFile(bytes) {
  const folder = path.join(workDir, 'files');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `resume-${bytes}.pdf`);
  if (existsSync(file) && statSync(file).size === bytes) return file;
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 720 Td (Benchmark Resume) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const tailFor = (start) => {
    let body = '';
    const offsets = [];
    objects.forEach((object, index) => {
      offsets.push(start + body.length);
      body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    });
    const xref = start + body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${String(xref).padStart(12, '0')}\n%%EOF\n`;
    return body;
  };
  const tailLength = tailFor(0).length; // offsets are zero-padded, so the length does not depend on them
  const fillerLength = bytes - head.length - tailLength;
  if (fillerLength < 2) throw new Error(`${bytes} bytes is too small for a PDF`);
  // Comment lines of random base64 text: incompressible, so no layer can cheat on repeated bytes.
  const line = 1024;
  const block = Buffer.alloc(4 * 1024 * 1024);
  const text = randomBytes(block.length).toString('base64');
  for (let index = 0; index < block.length; index += line) {
    block[index] = 0x25; // '%'
    block.write(text.slice(index + 1, index + line - 1), index + 1, 'latin1');
    block[index + line - 1] = 0x0a;
  }
  const temporary = `${file}.${process.pid}.part`;
  const out = createWriteStream(temporary);
  const write = (chunk) => new Promise((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
  await write(head);
  let remaining = fillerLength;
  let salt = 0;
  while (remaining > 0) {
    const size = Math.min(block.length, remaining);
    const chunk = Buffer.from(block.subarray(0, size));
    chunk.writeUInt32BE(salt++, 1); // every block differs
    if (size === remaining) chunk[size - 1] = 0x0a;
    await write(chunk);
    remaining -= size;
  }
  await write(Buffer.from(tailFor(head.length + fillerLength), 'latin1'));
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  execFileSync('mv', [temporary, file]);
  if (statSync(file).size !== bytes) throw new Error(`made ${file} with the wrong size`);
  return file;
}

/** Native MD5 (Node's crypto, OpenSSL) of a file read in 4 MiB chunks: seconds and base64 digest. */
export async function nativeMd5(file) {
  const started = performance.now();
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk);
  const checksum = hash.digest('base64');
  return { seconds: (performance.now() - started) / 1000, checksum };
}

// ---------- the machine ----------

export function machineInfo() {
  const version = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'n/a';
    }
  };
  const packageVersion = (name) => {
    try {
      return JSON.parse(readFileSync(path.join(repoDir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return 'n/a';
    }
  };
  const cpuModel = os.cpus()[0]?.model ?? 'n/a';
  return {
    date: new Date().toISOString(),
    nproc: version('nproc', []),
    cpu: cpuModel,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    chromium: version('/usr/bin/chromium', ['--version']).replace(/\s+built on.*/, ''),
    next: packageVersion('next'),
    playwright: packageVersion('playwright'),
    postgres: version('psql', ['--version']),
    ceph: version('radosgw', ['--version']).split(' ').slice(0, 3).join(' '),
    sparkMd5: packageVersion('spark-md5'),
    cryptoJs: packageVersion('crypto-js'),
    autocannon: packageVersion('autocannon'),
    loadAverage: os.loadavg().map((value) => value.toFixed(2)).join(' '),
  };
}

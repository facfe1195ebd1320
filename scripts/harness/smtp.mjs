// A real SMTP server for the tests, the end-to-end servers and the benchmarks: Debian's
// python3-aiosmtpd delivering into a Maildir (scripts/harness/smtp_test_handler.py refuses
// addresses starting with "reject" with a 550). Plain ESM (typed by smtp.d.mts).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const python = '/usr/bin/python3';
const harnessDir = import.meta.dirname;
// Ports the tests may take (127.0.0.1 only).
const firstPort = 2525;
const lastPort = 2599;

/** Whether Debian's aiosmtpd is installed (the pyenv python3 first on PATH lacks it). */
export function smtpServerAvailable() {
  try {
    execFileSync(python, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** @param {number} port */
function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort() {
  // A random start, so that parallel test files rarely try the same port first.
  const span = lastPort - firstPort + 1;
  const offset = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = firstPort + ((offset + i) % span);
    if (await portFree(port)) return port;
  }
  throw new Error(`No free port in ${firstPort}-${lastPort} for the test SMTP server`);
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl; returns its files. */
function makeCertificate(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** Whether an SMTP server greets on `port`. @param {number} port */
function greets(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.end('QUIT\r\n');
      resolve(data.toString().startsWith('220'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts aiosmtpd on a free port of 2525-2599 (or `port`), delivering into a new Maildir.
 * `tls`: STARTTLS required, with a certificate made here (`caFile` trusts it). `dir` (emptied)
 * holds the Maildir. The server never outlives this process.
 * @param {{ port?: number; tls?: boolean; smtputf8?: boolean; dir?: string }} [options]
 */
export async function startSmtpServer(options = {}) {
  if (!smtpServerAvailable()) {
    throw new Error(
      "The test SMTP server needs Debian's aiosmtpd: apt-get install -y python3-aiosmtpd",
    );
  }
  const dir =
    options.dir ??
    path.join(
      os.tmpdir(),
      `resume-drop-smtp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    );
  const maildir = path.join(dir, 'Maildir');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const certificate = options.tls ? makeCertificate(dir) : null;
  let port = options.port ?? (await freePort());
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let output = '';

  async function start() {
    const args = [
      '-m',
      'aiosmtpd',
      '-n',
      '-l',
      `127.0.0.1:${port}`,
      '-c',
      'smtp_test_handler.RefusingMailbox',
    ];
    if (certificate) args.push('--tlscert', certificate.cert, '--tlskey', certificate.key);
    if (options.smtputf8) args.push('-u');
    args.push(maildir);
    const started = spawn(python, args, {
      env: { ...process.env, PYTHONPATH: harnessDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    process.once('exit', () => started.kill('SIGKILL'));
    child.stdout?.on('data', (data) => (output += data));
    child.stderr?.on('data', (data) => (output += data));
    const deadline = Date.now() + 15_000;
    while (!(await greets(port))) {
      if (started.exitCode !== null)
        throw new Error(`aiosmtpd exited (${started.exitCode}): ${output}`);
      if (Date.now() > deadline)
        throw new Error(`The test SMTP server did not answer on port ${port}: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function stop() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGTERM');
      setTimeout(() => running.kill('SIGKILL'), 3000).unref();
    });
  }

  /** The raw messages delivered so far, oldest first. */
  function messages() {
    const folder = path.join(maildir, 'new');
    if (!existsSync(folder)) return [];
    return (
      readdirSync(folder)
        .map((name) => ({
          name,
          mtime: statSync(path.join(folder, name)).mtimeMs,
          bytes: readFileSync(path.join(folder, name)),
        }))
        // Maildir names start with the second of delivery; within one, the file's time orders them.
        .sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name))
        .map((file) => file.bytes)
    );
  }

  // A port found free may be taken by another test file before aiosmtpd binds it: take another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await start();
      break;
    } catch (error) {
      if (options.port || attempt >= 5) throw error;
      port = await freePort();
    }
  }
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    caFile: certificate?.cert ?? null,
    maildir,
    messages,
    /** Stops the server; `resume()` starts it again on the same port and Maildir. */
    pause: stop,
    resume: start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

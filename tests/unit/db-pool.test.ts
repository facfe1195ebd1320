import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PgBoss } from 'pg-boss';
import { createPool, POOL_IDLE_TIMEOUT_MS } from '@/db/client';
import { workerConnection } from '@/lib/jobs/boss';

// `pg` connects lazily: creating a pool opens no connection, so no server is needed here.
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/unused';

describe('the Postgres pool', () => {
  const pools: Pool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
  });

  function open(env: { VERCEL?: string }) {
    const attached: Pool[] = [];
    const pool = createPool({ DATABASE_URL, ...env }, (attachedPool) =>
      attached.push(attachedPool),
    );
    pools.push(pool);
    return { pool, attached };
  }

  it('closes idle connections after about 5 s, the figure Vercel documents for Fluid compute', () => {
    const { pool } = open({});
    expect(POOL_IDLE_TIMEOUT_MS).toBe(5_000);
    expect(pool.options.idleTimeoutMillis).toBe(POOL_IDLE_TIMEOUT_MS);
  });

  it('is attached with attachDatabasePool on Vercel, and only there', () => {
    const onVercel = open({ VERCEL: '1' });
    expect(onVercel.attached).toEqual([onVercel.pool]);
    expect(open({}).attached).toEqual([]);
  });

  it('keeps listening for lost connections, so that a dropped socket cannot crash the process', () => {
    const { pool } = open({ VERCEL: '1' });
    expect(pool.listenerCount('error')).toBe(1);
    expect(pool.listenerCount('connect')).toBe(1);
  });
});

describe('the database server certificate, with PGSSLROOTCERT', () => {
  // A server that answers Postgres's SSLRequest with 'S' and then a TLS handshake with its own
  // certificate (for 127.0.0.1), and notes whether the client completed it.
  let folder = '';
  let server: Server;
  const handshakes: string[] = [];
  const certificate = (name: string) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(folder, `${name}.key`), '-out', path.join(folder, `${name}.pem`)], { stdio: 'ignore' });
    return path.join(folder, `${name}.pem`);
  };

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'rd-pg-tls-'));
    const serverCert = certificate('db-server');
    const key = readFileSync(path.join(folder, 'db-server.key'));
    server = createServer((socket) => {
      socket.once('data', () => {
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, key, cert: readFileSync(serverCert) });
        secure.on('secure', () => {
          handshakes.push('completed');
          secure.destroy();
        });
        secure.on('error', () => socket.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const url = () => `postgres://postgres@127.0.0.1:${(server.address() as AddressInfo).port}/db`;

  it('connects only to a server whose certificate the given CA signed', async () => {
    const trusted = createPool({ DATABASE_URL: url(), PGSSLROOTCERT: path.join(folder, 'db-server.pem') }, () => undefined);
    await expect(trusted.query('select 1')).rejects.toThrow();
    await trusted.end();
    expect(handshakes).toEqual(['completed']);

    const other = createPool({ DATABASE_URL: url(), PGSSLROOTCERT: certificate('another-ca') }, () => undefined);
    await expect(other.query('select 1')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await other.end();
    expect(handshakes).toEqual(['completed']);
  });

  it("holds for the job worker's own pool too", async () => {
    handshakes.length = 0;
    const other = new PgBoss({ ...workerConnection({ DATABASE_URL: url(), PGSSLROOTCERT: certificate('worker-other-ca') }), supervise: false, schedule: false });
    other.on('error', () => undefined);
    await expect(other.start()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await other.stop({ graceful: false }).catch(() => undefined);
    expect(handshakes).toEqual([]);

    const trusted = new PgBoss({ ...workerConnection({ DATABASE_URL: url(), PGSSLROOTCERT: path.join(folder, 'db-server.pem') }), supervise: false, schedule: false });
    trusted.on('error', () => undefined);
    await expect(trusted.start()).rejects.toThrow();
    await trusted.stop({ graceful: false }).catch(() => undefined);
    // One handshake per connection pg-boss tried.
    expect(handshakes.length).toBeGreaterThan(0);
  });
});

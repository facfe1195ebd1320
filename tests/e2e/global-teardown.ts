import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Stops the Ceph gateway if the S3 e2e server started it (one left running by a developer stays). */
export default function globalTeardown() {
  if (existsSync(path.resolve('.data', 'e2e-s3', 'started-gateway'))) {
    spawnSync('bash', ['scripts/s3-test-server.sh', 'stop'], { stdio: 'inherit' });
  }
}

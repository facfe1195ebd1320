import { afterAll, beforeAll } from 'vitest';
import { resetEnv } from '@/lib/env';
import { getStorage } from '@/lib/storage';
import { getObject, origin, putObject } from '../support/api';
import { describeStorageContract } from '../support/storage-contract';

// The disk service's URLs are this app's route, called in-process; its links are built outside a
// request here, from APP_URL.
beforeAll(() => {
  process.env.APP_URL = origin;
  resetEnv();
});

afterAll(() => {
  delete process.env.APP_URL;
  resetEnv();
});

describeStorageContract('disk service, its URLs served by app/api/storage/disk/[token]', {
  service: () => {
    const storage = getStorage();
    if (storage.name !== 'disk') throw new Error(`The disk service is not the configured storage (${storage.name})`);
    return storage;
  },
  send: (url, { method, headers = {}, body }) => (method === 'PUT' ? putObject(url, headers, body ?? new Uint8Array()) : getObject(url)),
});

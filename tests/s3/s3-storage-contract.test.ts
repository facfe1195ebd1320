import { describeStorageContract } from '../support/storage-contract';
import { s3Service, s3Skipped } from '../support/s3';

describeStorageContract(
  'S3 service against a real S3 server (Ceph RGW)',
  {
    service: s3Service,
    send: (url, { method, headers, body }) => fetch(url, { method, headers, body: body && new Uint8Array(body) }),
  },
  { skip: s3Skipped() },
);

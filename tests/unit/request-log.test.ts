import { describe, expect, it } from 'vitest';
import { formatRequestLog, routePattern } from '@/lib/http/request-log';

describe('request logs', () => {
  it('never write a signed token or an id from the path', () => {
    expect(routePattern('/api/storage/disk/eyJhbGciOiJIUzI1NiJ9.eyJrZXkiOiJ4In0.c2lnbmF0dXJl')).toBe('/api/storage/disk/:token');
    expect(routePattern('/api/admin/applicants/6f1c1a8e-0b6f-4a34-9d0e-6c1f0e8b9a11/resume')).toBe('/api/admin/applicants/:id/resume');
    expect(routePattern('/api/users')).toBe('/api/users');
  });

  it('are one JSON line with route, status, duration and the blob id', () => {
    const line = formatRequestLog({
      method: 'PUT',
      pathname: '/api/storage/disk/a.b.c',
      status: 422,
      durationMs: 12.345,
      fields: { blob_id: '6f1c1a8e-0b6f-4a34-9d0e-6c1f0e8b9a11' },
      errorCode: 'checksum_mismatch',
    });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({
      level: 'warn',
      method: 'PUT',
      route: '/api/storage/disk/:token',
      status: 422,
      duration_ms: 12.3,
      error: 'checksum_mismatch',
      blob_id: '6f1c1a8e-0b6f-4a34-9d0e-6c1f0e8b9a11',
    });
  });
});

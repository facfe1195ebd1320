import type { NextConfig } from 'next';

const everywhere = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  // Deployed functions (Vercel) never run PGlite: production there refuses to start without
  // DATABASE_URL, and db/client.ts imports PGlite only when it is configured. So its ~20 MB are
  // left out of every function's traced files. `next start` (Heroku, local) reads node_modules
  // directly and is not affected by tracing.
  outputFileTracingExcludes: { '/*': ['node_modules/@electric-sql/pglite/**'] },
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: everywhere },
      // API answers are data, never documents to render or frame.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }] },
    ];
  },
};

export default nextConfig;

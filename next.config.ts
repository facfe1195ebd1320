import type { NextConfig } from 'next';

const everywhere = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const analysisFiles = [
  './lib/analysis/*.mjs',
  // mammoth and what it requires (npm ls --all mammoth).
  './node_modules/{mammoth,@xmldom,argparse,base64-js,dingbat-to-unicode,jszip,lie,immediate,pako,readable-stream,core-util-is,inherits,isarray,process-nextick-args,safe-buffer,string_decoder,util-deprecate,setimmediate,lop,duck,underscore,option,xmlbuilder}/**',
  './node_modules/pdfjs-dist/package.json',
  './node_modules/pdfjs-dist/legacy/build/pdf.mjs',
  './node_modules/pdfjs-dist/legacy/build/pdf.worker.mjs',
  './node_modules/pdfjs-dist/{cmaps,iccs,standard_fonts,wasm}/**',
  './node_modules/@napi-rs/canvas*/**',
];

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  // Resume analysis runs a plain worker script outside the bundle (lib/analysis/analysis-worker.mjs),
  // which loads PDF.js and the canvas, or mammoth, at run time: deployments must ship them with what
  // works the job queue. On Vercel that is the jobs route alone (kicked after each send, and by the cron), so
  // that every other function stays a few MB instead of 45.
  outputFileTracingIncludes: {
    '/api/jobs': analysisFiles,
  },
  poweredByHeader: false,
  experimental: {
    // `next start` loads a route's code when it is first asked for, not every route's at start:
    // the first request then competes with nothing else (bench api: cold start).
    preloadEntriesOnStart: false,
  },
  async headers() {
    return [
      { source: '/:path*', headers: everywhere },
      // API answers are data, never documents to render or frame.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }] },
    ];
  },
};

export default nextConfig;

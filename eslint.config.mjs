import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const dataAccess = {
  group: ['drizzle-orm', 'drizzle-orm/*', '@aws-sdk/*'],
  message: 'Keep database and storage code in lib/ or db/.',
};
const browserOnly = {
  group: ['@/lib/browser', '@/lib/browser/*', '**/lib/browser/**', '../browser/**'],
  message: 'lib/browser/ is browser-only code; the server must not import it.',
};
// Everything in lib/ is server code except lib/browser/ and the few pure helpers listed here.
const serverOnly = {
  group: ['@/lib/*', '!@/lib/browser', '!@/lib/format-bytes', '@/db/*', 'server-only', 'node:*', 'pg', 'jose'],
  message: 'Browser code must not import server modules (lib/ outside lib/browser/, db/, Node built-ins).',
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['.next/**', '.data/**', 'node_modules/**', '.vercel/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read arbitrary JSON bodies.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Route handlers stay thin: the database and the AWS SDK live in lib/ and db/ only.
    files: ['app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess] }] },
  },
  {
    // The server never imports browser code (it touches window, workers, XHR).
    files: ['lib/**/*.{ts,tsx}', 'db/**/*.ts', 'scripts/**/*.ts', 'proxy.ts', 'instrumentation.ts'],
    ignores: ['lib/browser/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserOnly] }] },
  },
  {
    files: ['app/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess, browserOnly] }] },
  },
  {
    // Browser code ships to every visitor: it imports no server module (secrets, database, storage).
    files: ['lib/browser/**/*.{ts,tsx}', 'app/_components/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess, serverOnly] }] },
  },
];

export default config;

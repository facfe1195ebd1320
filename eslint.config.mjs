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
const httpLayer = {
  group: ['@/lib/http', '@/lib/http/*', '**/lib/http/**', '../http/*'],
  message: 'lib/storage/ imports nothing from lib/http/: raise a storage error (lib/storage/errors.ts) and map it where the request is handled.',
};
// Everything in lib/ is server code except lib/browser/, the API contract (lib/contract/: schemas,
// response types, error codes) and the few pure helpers listed here.
const serverOnly = {
  group: ['@/lib/*', '!@/lib/browser', '!@/lib/contract', '!@/lib/format-bytes', '!@/lib/plain-text', '@/db/*', 'server-only', 'node:*', 'pg', 'jose'],
  message: 'Browser code must not import server modules (lib/ outside lib/browser/, db/, Node built-ins).',
};

// The page's initial JavaScript has a budget (150 KB): browser code uses the contract's plain parts
// (applicant-fields.ts, error-codes.ts) and only the types of its zod schemas.
const validationLibrary = {
  group: ['zod', 'zod/*', '@/lib/contract/applicant', '@/lib/contract/direct-upload', '@/lib/contract/analysis', '@/lib/contract/field-errors'],
  allowTypeImports: true,
  message: 'Browser code ships no validation library: import lib/contract/applicant-fields.ts, or only types from the zod schemas.',
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
    // A throw site names an error code (lib/contract/error-codes.ts); the status comes from the table.
    files: ['**/*.{ts,tsx}'],
    ignores: ['lib/http/errors.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='AppError']", message: 'Throw appError(code, …): the status comes from the error table.' }],
    },
  },
  {
    // The accepted file types are declared once (lib/contract/file-types.ts): elsewhere in the app a
    // content type is read from that table, never written out.
    files: ['lib/**/*.{ts,tsx,mjs}', 'app/**/*.{ts,tsx}'],
    ignores: ['lib/http/errors.ts', 'lib/contract/file-types.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='AppError']", message: 'Throw appError(code, …): the status comes from the error table.' },
        {
          selector: 'Literal[value=/^application\\/(pdf|vnd\\.openxmlformats)/]',
          message: 'Read the content type from lib/contract/file-types.ts, where each accepted type is declared once.',
        },
      ],
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
    // The storage services know nothing of HTTP: their errors are their own, mapped to the error
    // table by the disk controller (app/api/storage/disk/[token]/disk-controller.ts) and route().
    files: ['lib/storage/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [browserOnly, httpLayer] }] },
  },
  {
    files: ['app/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess, browserOnly] }] },
  },
  {
    // Browser code ships to every visitor: it imports no server module (secrets, database, storage).
    files: ['lib/browser/**/*.{ts,tsx}', 'app/_components/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess, serverOnly, validationLibrary] }] },
  },
  {
    // The contract and the pure helpers ship to the browser too, and are imported by the server:
    // they import neither side.
    files: ['lib/contract/**/*.ts', 'lib/format-bytes.ts', 'lib/plain-text.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dataAccess, serverOnly, browserOnly] }] },
  },
];

export default config;

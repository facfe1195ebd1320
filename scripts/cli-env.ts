import { loadEnvConfig } from '@next/env';

/** Command-line scripts read the same .env files as `next dev` and `next start`. */
loadEnvConfig(process.cwd());

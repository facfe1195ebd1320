// Types of postgres.mjs (plain ESM, so that node scripts and the benchmarks import it too).
export declare const defaultAdminUrl: string;
export declare function postgresAdminUrl(): string;
export declare function ensurePostgres(adminUrl?: string): Promise<void>;
export declare function databaseUrl(name: string, adminUrl?: string): string;
export declare function createDatabase(name: string, adminUrl?: string): Promise<string>;
export declare function dropDatabase(name: string, adminUrl?: string): Promise<void>;
export declare function dropDatabases(prefix: string, adminUrl?: string): Promise<void>;

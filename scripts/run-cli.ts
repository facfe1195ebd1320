import { closeDb } from '@/lib/database';

/**
 * Runs a command-line script's `main` (which returns the exit code), closes the database and
 * exits; a thrown error is printed as `<name> failed: <message>` and exits 1.
 */
export function runCli(name: string, main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await closeDb();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      await closeDb().catch(() => undefined);
      process.exit(1);
    });
}

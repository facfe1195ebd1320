// Next.js calls register() once when a server starts. NEXT_RUNTIME is inlined by the bundler; the
// startup code needs Node.js (PGlite, the filesystem), so the edge bundle must not import it.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./lib/startup');
    await startServer();
  }
}

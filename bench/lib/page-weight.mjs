// What a page costs the visitor's connection in JavaScript: every script and worker fetched (`.js`;
// Turbopack serves a worker entry under its source's name, `.ts`), in bytes transferred (compressed
// body + headers, as DevTools shows them).

/** Records the `.js` resources the context fetches from now on. */
export function recordScripts(context) {
  const scripts = [];
  context.on('requestfinished', async (request) => {
    const { pathname } = new URL(request.url());
    if (!/\.(?:m?js|ts)$/.test(pathname)) return;
    const entry = { path: pathname, bytes: null };
    scripts.push(entry);
    try {
      const sizes = await request.sizes();
      entry.bytes = sizes.responseBodySize + sizes.responseHeadersSize;
    } catch {
      entry.bytes = NaN;
    }
  });
  return {
    /** The scripts fetched so far (sizes settle a moment after each request finishes). */
    async taken() {
      for (let waited = 0; waited < 2000 && scripts.some((entry) => entry.bytes === null); waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return scripts.splice(0);
    },
  };
}

export const totalBytes = (scripts) => scripts.reduce((sum, entry) => sum + entry.bytes, 0);

/** The applicant page's initial JavaScript: a fresh context, `/`, until the network is idle. */
export async function measureInitialJs(browser, appUrl) {
  const context = await browser.newContext();
  try {
    const recorder = recordScripts(context);
    const page = await context.newPage();
    await page.goto(appUrl, { waitUntil: 'networkidle' });
    const scripts = await recorder.taken();
    return { bytes: totalBytes(scripts), scripts };
  } finally {
    await context.close();
  }
}

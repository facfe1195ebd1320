// Where the benchmark's app servers send their analysis requests (ANALYSIS_URL): it stands in for
// the instance that analyzes (on Vercel, the /api/analysis function), so that the figures of
// POST /api/users are the request's own cost, hand-off included, and not the PDF.js work that runs
// elsewhere in production (bench analyze measures that). It answers 202 as the route does, and
// counts the requests it had, so the benchmark can show every applicant's hand-off was made.
import { createServer } from 'node:http';

export async function startAnalysisSink() {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'POST') received += 1;
      response.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"accepted"}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/analysis`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

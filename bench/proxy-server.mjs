// A stand-in for "upload through the app": a tiny Node http server that serves a multipart form and
// streams the posted file to the same storage (S3 PutObject with a streamed body, or the disk).
// The app itself has no such route, on purpose; this is only the anchor for benchmark 2.
//   PROXY_PORT=3330 PROXY_STORAGE=s3 PROXY_BUCKET=... node bench/proxy-server.mjs
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from './lib/app.mjs';

const port = Number(process.env.PROXY_PORT ?? 3330);
const storage = process.env.PROXY_STORAGE ?? 's3';
const bucket = process.env.PROXY_BUCKET;
const root = process.env.PROXY_ROOT ?? '/tmp/rd-bench/proxy-storage';
const client = storage === 's3' ? s3Client() : null;

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Proxy upload</title></head><body>
<form method="post" action="/upload" enctype="multipart/form-data">
<label for="resume">Resume (PDF)</label><input id="resume" name="resume" type="file" accept="application/pdf">
<button type="submit">Submit application</button></form></body></html>`;

/** Streams the single file part of a multipart body (the form's only field) to `sink`. */
async function receiveFile(request, openSink) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(request.headers['content-type'] ?? '');
  const total = Number(request.headers['content-length']);
  if (!boundary || !Number.isFinite(total)) throw new Error('expected a multipart body with Content-Length');
  const trailer = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}--\r\n`);
  let head = Buffer.alloc(0);
  let fileLength = null;
  let written = 0;
  let tail = Buffer.alloc(0);
  let sink = null;
  let done = null;
  for await (const chunk of request) {
    let piece = chunk;
    if (fileLength === null) {
      head = Buffer.concat([head, piece]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) continue;
      const headers = head.subarray(0, end).toString('latin1');
      const filename = /filename="([^"]*)"/.exec(headers)?.[1] ?? 'upload.pdf';
      fileLength = total - (end + 4) - trailer.length;
      ({ sink, done } = openSink(filename, fileLength));
      piece = head.subarray(end + 4);
    }
    const take = Math.min(piece.length, fileLength - written);
    if (take > 0) {
      written += take;
      if (!sink.write(piece.subarray(0, take))) await once(sink, 'drain');
    }
    if (take < piece.length) tail = Buffer.concat([tail, piece.subarray(Math.max(take, 0))]);
  }
  sink.end();
  await done;
  if (!tail.equals(trailer)) throw new Error('the multipart body did not end with its closing boundary');
  return { fileLength: written };
}

function openSink(filename, byteSize) {
  const key = `proxy/${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  if (storage === 's3') {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const done = client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: byteSize, ContentType: 'application/pdf' }),
    );
    return { sink: body, done };
  }
  const file = path.join(root, key);
  mkdirSync(path.dirname(file), { recursive: true });
  const sink = createWriteStream(file);
  return { sink, done: once(sink, 'finish') };
}

createServer(async (request, response) => {
  try {
    if (request.method === 'GET' && request.url === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
    } else if (request.method === 'POST' && request.url === '/upload') {
      const { fileLength } = await receiveFile(request, openSink);
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><h1>Stored ${fileLength} bytes</h1>`);
    } else {
      response.writeHead(404).end();
    }
  } catch (error) {
    response.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error.message ?? error));
  }
}).listen(port, '127.0.0.1', () => console.log(`proxy stand-in listening on http://127.0.0.1:${port} (${storage})`));

// Analyzes one Word document (.docx) inside the analysis worker thread (analysis-worker.mjs): its
// text (with mammoth) and its document properties (docProps/core.xml and app.xml, where present).
// No preview: nothing here draws a Word page. A .docx is a ZIP archive of XML parts: only those
// parts are unpacked, each inflated with a ceiling on what it may grow to, so that a zip bomb (a
// small file whose document.xml inflates to gigabytes) stops at the ceiling instead of filling the
// memory; mammoth then reads the unpacked parts, never the archive.
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { AnalysisFailure, capUtf8, clean, presentFields } from './worker-text.mjs';
import { listZipEntries, zipEntryData } from './zip-directory.mjs';

const require = createRequire(import.meta.url);
const MiB = 1024 * 1024;
const mainPart = 'word/document.xml';

function invalid(reason) {
  return new AnalysisFailure('invalid_docx', `The file could not be read as a Word document (${reason}).`);
}

/** The XML parts of the archive (text, styles, numbering, relationships, properties), unpacked within `maxUnpackedBytes` in all. */
function unpackParts(bytes, maxUnpackedBytes) {
  const entries = listZipEntries(bytes);
  if (!entries) throw invalid('it is not a ZIP archive');
  if (!entries.some((entry) => entry.name === mainPart)) throw invalid(`it has no ${mainPart}`);
  const parts = new Map();
  let unpacked = 0;
  for (const entry of entries) {
    if (!/\.(xml|rels)$/i.test(entry.name) || parts.has(entry.name)) continue;
    if (entry.flags & 1) throw new AnalysisFailure('encrypted', 'The Word document is protected by a password.');
    const data = zipEntryData(bytes, entry);
    if (!data) throw invalid(`${entry.name} is cut short`);
    const room = maxUnpackedBytes - unpacked;
    let content;
    if (entry.method === 0) {
      content = data;
    } else if (entry.method === 8) {
      try {
        // maxOutputLength stops inflating there, whatever the archive declares the size to be.
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, room) });
      } catch (error) {
        if (error?.code === 'ERR_BUFFER_TOO_LARGE') content = null;
        else throw invalid(`${entry.name} is damaged`);
      }
    } else {
      throw invalid(`${entry.name} uses compression method ${entry.method}`);
    }
    if (content === null || content.byteLength > room) {
      throw new AnalysisFailure(
        'unpacked_too_large',
        `The Word document unpacks to more than ${Math.round(maxUnpackedBytes / MiB)} MB of text and markup (${entry.name}): analysis stopped.`,
      );
    }
    unpacked += content.byteLength;
    parts.set(entry.name, content);
  }
  return parts;
}

const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(value) {
  return value.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (whole, hex, decimal, name) => {
    const code = hex ? Number.parseInt(hex, 16) : decimal ? Number.parseInt(decimal, 10) : null;
    if (code === null) return entities[name.toLowerCase()] ?? whole;
    return code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** The text of the first element named `name` (any namespace prefix) in `xml`. */
function elementText(xml, name) {
  const match = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${name}>`).exec(xml);
  const text = match ? clean(decodeXmlText(match[1]).trim(), 500) : '';
  return text || undefined;
}

function readProperties(parts) {
  const decoder = new TextDecoder();
  // Properties are a few hundred bytes; a part larger than this is not read for them.
  const part = (name) => (parts.has(name) && parts.get(name).byteLength <= 256 * 1024 ? decoder.decode(parts.get(name)) : '');
  const core = part('docProps/core.xml');
  const app = part('docProps/app.xml');
  const created = elementText(core, 'created');
  const createdAt = created ? new Date(created) : null;
  const pages = Number.parseInt(elementText(app, 'Pages') ?? '', 10);
  return {
    metadata: presentFields({
      title: elementText(core, 'title'),
      author: elementText(core, 'creator'),
      creator: elementText(app, 'Application'),
      created_at: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt.toISOString() : undefined,
    }),
    // What Word counted when it last saved the file (other writers may leave it out): null then.
    pageCount: Number.isSafeInteger(pages) && pages > 0 ? pages : null,
  };
}

export async function analyze({ bytes, limits }) {
  const parts = unpackParts(bytes, limits.maxUnpackedBytes);
  const { metadata, pageCount } = readProperties(parts);
  if (pageCount !== null && pageCount > limits.maxPages) {
    const failure = new AnalysisFailure('too_many_pages', `The Word document has ${pageCount} pages; analysis stops at ${limits.maxPages}.`);
    failure.pageCount = pageCount;
    throw failure;
  }
  const mammoth = require('mammoth');
  const file = {
    exists: (name) => parts.has(name),
    read: async (name, encoding) => {
      const part = parts.get(name);
      if (!part) throw new Error(`${name} is not in the document`);
      return encoding ? new TextDecoder(encoding).decode(part) : part;
    },
  };
  let raw;
  try {
    raw = (await mammoth.extractRawText({ file })).value;
  } catch (error) {
    throw invalid(String(error?.message ?? error).slice(0, 300));
  }
  const text = capUtf8(
    clean(raw, limits.maxTextBytes)
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    limits.maxTextBytes,
  );
  return { pageCount, metadata, text, preview: null, previewError: null };
}

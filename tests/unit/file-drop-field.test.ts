import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FileDropField } from '@/app/_components/file-drop-field';
import { fileTypes, type FileType } from '@/lib/contract/file-types';

function render(types: FileType[], maxBytes = 10 * 1024 * 1024) {
  return renderToStaticMarkup(
    createElement(FileDropField, { file: null, upload: { status: 'idle' }, maxBytes, types, disabled: false, onChange: () => undefined, onRetry: () => undefined }),
  );
}

describe('the file field reads the accepted types (RESUME_TYPES)', () => {
  it('offers PDF and Word documents by default', () => {
    const html = render([fileTypes.pdf, fileTypes.docx]);
    expect(html).toContain(`accept="application/pdf,.pdf,${fileTypes.docx.contentType},.docx"`);
    expect(html).toContain('Resume (PDF or Word)');
    expect(html).toContain('PDF or Word (.pdf or .docx), up to 10 MB.');
    expect(html).toContain('Choose a file');
  });

  it('offers PDFs only with RESUME_TYPES=pdf, as before Word documents', () => {
    const html = render([fileTypes.pdf]);
    expect(html).toContain('accept="application/pdf,.pdf"');
    expect(html).toContain('Resume (PDF)');
    expect(html).toContain('PDF only, up to 10 MB.');
    expect(html).toContain('Choose a PDF');
  });

  it("names Word's own 20 MB ceiling when MAX_UPLOAD_BYTES is above it", () => {
    expect(render([fileTypes.pdf, fileTypes.docx], 50 * 1024 * 1024)).toContain(
      'PDF or Word (.pdf or .docx), up to 50 MB, Word up to 20 MB.',
    );
    expect(render([fileTypes.docx], 50 * 1024 * 1024)).toContain('Word only, up to 20 MB.');
  });
});

'use client';

import { useEffect, useEffectEvent, useState } from 'react';
import { checkResumeFile } from '@/lib/browser/direct-upload/check-resume-file';
import { fileTypeByName, fileTypes, type FileType } from '@/lib/contract/file-types';
import { readResumeInWorker } from './read-resume-in-worker';
import type { ResumeFields } from './resume-fields';

/** The browser asks for less data (Chrome's "Lite mode", Android's Data Saver): PDF.js is not fetched then. */
function savesData(): boolean {
  return (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
}

/**
 * Reads `file` on the device as soon as it is chosen, beside its upload, and hands its fields to
 * `onRead` (only for the file still chosen). Files that the upload would refuse are not read, nor
 * Word documents. `reading` is true meanwhile.
 */
export function useResumeAutofill(
  file: File | null,
  { maxBytes, types, onRead }: { maxBytes: number; types: readonly FileType[]; onRead: (fields: ResumeFields, file: File) => void },
) {
  const [settled, setSettled] = useState<File | null>(null);
  const deliver = useEffectEvent((fields: ResumeFields, read: File) => onRead(fields, read));

  // PDF.js reads PDFs only; a Word document is uploaded, and the applicant types.
  const readable = file !== null && fileTypeByName(file.name, types) === fileTypes.pdf;

  useEffect(() => {
    if (!file || !readable || savesData()) return;
    const controller = new AbortController();
    void (async () => {
      try {
        if ((await checkResumeFile(file, maxBytes, [fileTypes.pdf])) === null && !controller.signal.aborted) {
          deliver(await readResumeInWorker(file, controller.signal), file);
        }
      } catch {
        // Cancelled, or the file could not be read: nothing is filled, and the applicant types.
      }
      if (!controller.signal.aborted) setSettled(file);
    })();
    return () => controller.abort();
  }, [file, readable, maxBytes]);

  return { reading: readable && settled !== file && !savesData() };
}

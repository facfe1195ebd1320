'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { fileTypeByName, type FileType } from '@/lib/contract/file-types';
import { createBlobRecord, discardBlobRecord } from './blob-record';
import { uploadBlob } from './blob-upload';
import { checkResumeFile } from './check-resume-file';
import { DirectUpload, type DirectUploadSteps, type NetworkStatus } from './direct-upload';
import { computeChecksum } from './file-checksum';

const browserNetwork: NetworkStatus = {
  isOnline: () => navigator.onLine,
  on: (event, listener) => {
    window.addEventListener(event, listener);
    return () => window.removeEventListener(event, listener);
  },
};

function browserSteps(maxBytes: number, types: readonly FileType[]): DirectUploadSteps {
  return {
    checkFile: (file) => checkResumeFile(file, maxBytes, types),
    computeChecksum,
    createBlobRecord: (file, checksum, signal) => {
      const type = fileTypeByName(file.name, types);
      // checkFile has refused every other file before this step.
      if (!type) return Promise.reject(new Error(`${file.name} is not an accepted type.`));
      return createBlobRecord(file, type, checksum, signal);
    },
    discardBlobRecord,
    uploadBlob,
    network: browserNetwork,
  };
}

/**
 * Uploads `file` as soon as it is given, and again whenever it changes (the previous upload is
 * cancelled at once); null cancels. The form reads `state` and waits with `upload.whenReady()`.
 */
export function useDirectUpload(file: File | null, { maxBytes, types }: { maxBytes: number; types: readonly FileType[] }) {
  const [upload] = useState(() => new DirectUpload(browserSteps(maxBytes, types)));
  const state = useSyncExternalStore(upload.subscribe, upload.getState, upload.getState);
  useEffect(() => upload.select(file), [upload, file]);
  // Leaving the page (or React remounting in development) cancels; the next select starts again.
  useEffect(() => () => upload.cancel(), [upload]);
  return { state, upload };
}

// Types of zip-directory.mjs (plain ESM, so that the analysis worker thread imports it too).
export interface ZipEntry {
  name: string;
  /** General purpose flags: bit 0 is encryption. */
  flags: number;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As the archive declares it: a zip bomb lies here. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  offset: number;
  size: number;
  entryCount: number;
}

export declare const zipTailLength: number;
export declare function findZipDirectory(tail: Uint8Array, archiveSize: number): ZipDirectory | null;
export declare function readZipEntries(directory: Uint8Array, entryCount: number): ZipEntry[] | null;
export declare function listZipEntries(archive: Uint8Array): ZipEntry[] | null;
export declare function zipEntryData(archive: Uint8Array, entry: ZipEntry): Uint8Array | null;

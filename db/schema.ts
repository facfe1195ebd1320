import { sql, type SQL } from 'drizzle-orm';
import { bigint, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// `purging`: claimed by the unattached-blob purge; it can no longer be attached. `erasing`: its
// applicant is being erased (lib/privacy): analysis records nothing on it, and the purge leaves it alone.
export const blobStates = ['pending', 'attached', 'purging', 'erasing'] as const;

/**
 * What a document says about itself, where present: a PDF's Info dictionary; a Word document's
 * properties (docProps/core.xml: title, creator as `author`, created; app.xml: Application as `creator`).
 * Stored in `pdf_metadata`, the column's name from when every resume was a PDF.
 */
export interface DocumentMetadata {
  title?: string;
  author?: string;
  producer?: string;
  creator?: string;
  created_at?: string;
}

// Drizzle has no built-in tsvector column type.
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

// The text search configuration of the index; queries must use the same one to use it.
export const searchConfig = 'english';

export const blobs = pgTable(
  'blobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull().unique(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull(),
    checksum: text('checksum').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    serviceName: text('service_name').notNull(),
    state: text('state', { enum: blobStates }).notNull().default('pending'),
    // Who asked for the upload, while it is pending (cleared on attach): pending bytes are capped
    // per client address.
    clientAddress: text('client_address'),
    // Until when its bytes count against the pending-upload ceilings (its token's expiry, rounded up:
    // see lib/blobs/pending-uploads.ts), in the `pending_upload_bytes` row of that time.
    countedUntil: timestamp('counted_until', { withTimezone: true }),
    // When the purge found the object in storage; null: not looked for, or not there yet.
    objectSeenAt: timestamp('object_seen_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Analysis, after attach (lib/analysis, run by the analyze-resume job). `analyzed_at` is set when
    // it ended, either way; `analysis_error` says why it failed. Still null: its job is queued or running.
    pageCount: integer('page_count'),
    pdfMetadata: jsonb('pdf_metadata').$type<DocumentMetadata>(),
    extractedText: text('extracted_text'),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      (): SQL => sql`to_tsvector(${sql.raw(`'${searchConfig}'`)}, coalesce(${blobs.extractedText}, ''))`,
    ),
    analyzedAt: timestamp('analyzed_at', { withTimezone: true }),
    analysisError: text('analysis_error'),
    analysisErrorMessage: text('analysis_error_message'),
  },
  (table) => [
    index('blobs_state_created_at_idx').on(table.state, table.createdAt),
    index('blobs_pending_client_address_idx').on(table.clientAddress).where(sql`${table.state} = 'pending'`),
    index('blobs_pending_counted_until_idx').on(table.countedUntil).where(sql`${table.state} = 'pending'`),
    index('blobs_search_vector_idx').using('gin', table.searchVector),
  ],
);

/**
 * Derived images of a blob (only the first-page `preview` today), stored in the blob's storage
 * service under a key derived from the blob's (lib/storage/keys.ts). The rows go with their blob;
 * whoever deletes a blob deletes the variant objects by their derived keys.
 */
export const blobVariants = pgTable(
  'blob_variants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    blobId: uuid('blob_id')
      .notNull()
      .references(() => blobs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    key: text('key').notNull().unique(),
    contentType: text('content_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('blob_variants_blob_name_idx').on(table.blobId, table.name)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // A recruiter's hold: retention keeps the applicant through this day (UTC), however old.
    keepUntil: date('keep_until', { mode: 'string' }),
  },
  (table) => [
    uniqueIndex('users_email_lower_idx').on(sql`lower(${table.email})`),
    // The recruiter's list, newest first: the first page without reading every row.
    index('users_created_at_idx').on(table.createdAt.desc(), table.id.desc()),
  ],
);

export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    blobId: uuid('blob_id')
      .notNull()
      .unique()
      .references(() => blobs.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('attachments_record_name_idx').on(table.recordType, table.recordId, table.name)],
);

/**
 * Resumes attached before analysis ran as a job, filled by the migration that introduced the job
 * queue and emptied, once, by the first process that starts the queue: it sends their analysis jobs
 * in the transaction that deletes these rows (lib/jobs/backfill-analysis.ts).
 */
export const analysisBackfill = pgTable('analysis_backfill', {
  blobId: uuid('blob_id')
    .primaryKey()
    .references(() => blobs.id, { onDelete: 'cascade' }),
});

/**
 * Running totals of the bytes of pending blobs, per client address and in all (scope `*`), by the
 * time they stop counting (`until`, a minute): a presign reads at most one row per minute of a
 * token's life for each of its two scopes, however many uploads are pending. Rows whose time has
 * passed count for nothing; the purge deletes them.
 */
export const pendingUploadBytes = pgTable(
  'pending_upload_bytes',
  {
    scope: text('scope').notNull(),
    until: timestamp('until', { withTimezone: true }).notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.until] })],
);

/** Fixed-window request counters, in the database so that every app instance shares them. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

export const auditActors = ['recruiter', 'applicant', 'system'] as const;
export const auditActions = [
  'signed_in',
  'sign_in_failed',
  'viewed_resume',
  'viewed_preview',
  'exported_csv',
  'downloaded_data',
  'hold_set',
  'deleted',
  'withdrawn',
  'retention_deleted',
] as const;

/**
 * Who did what to which applicant's data, append-only: a trigger (migration 0005) refuses UPDATE,
 * TRUNCATE and DELETE, but the deletion of entries older than AUDIT_RETENTION_DAYS by the retention
 * run (lib/audit/purge-audit-events.ts). `applicant_id` has no foreign key: it outlives the applicant,
 * and names no one once the applicant is gone.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor', { enum: auditActors }).notNull(),
    // For a recruiter: a hash of the session token, so one session's actions can be told apart.
    actorSession: text('actor_session'),
    action: text('action', { enum: auditActions }).notNull(),
    applicantId: uuid('applicant_id'),
    clientAddress: text('client_address'),
  },
  (table) => [
    index('audit_events_occurred_at_idx').on(table.occurredAt.desc(), table.id.desc()),
    index('audit_events_applicant_idx').on(table.applicantId, table.occurredAt.desc()),
    index('audit_events_action_idx').on(table.action, table.occurredAt.desc()),
  ],
);

export type Blob = typeof blobs.$inferSelect;
export type BlobVariant = typeof blobVariants.$inferSelect;
export type User = typeof users.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type AuditAction = (typeof auditActions)[number];

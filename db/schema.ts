import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// `purging`: claimed by the unattached-blob purge; it can no longer be attached.
export const blobStates = ['pending', 'attached', 'purging'] as const;

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
    // When the purge found the object in storage; null: not looked for, or not there yet.
    objectSeenAt: timestamp('object_seen_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('blobs_state_created_at_idx').on(table.state, table.createdAt),
    index('blobs_pending_client_address_idx').on(table.clientAddress).where(sql`${table.state} = 'pending'`),
  ],
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
  },
  (table) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${table.email})`)],
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

/** Fixed-window request counters, in the database so that every app instance shares them. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

export type Blob = typeof blobs.$inferSelect;
export type User = typeof users.$inferSelect;

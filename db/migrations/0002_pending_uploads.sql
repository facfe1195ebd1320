ALTER TABLE "blobs" ADD COLUMN "client_address" text;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "object_seen_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "blobs_pending_client_address_idx" ON "blobs" USING btree ("client_address") WHERE "blobs"."state" = 'pending';
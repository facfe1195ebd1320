CREATE TABLE "pending_upload_bytes" (
	"scope" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"bytes" bigint NOT NULL,
	CONSTRAINT "pending_upload_bytes_scope_until_pk" PRIMARY KEY("scope","until")
);
--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "counted_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "blobs_pending_counted_until_idx" ON "blobs" USING btree ("counted_until") WHERE "blobs"."state" = 'pending';
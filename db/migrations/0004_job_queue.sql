CREATE TABLE "analysis_backfill" (
	"blob_id" uuid PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "blobs_unanalyzed_idx";--> statement-breakpoint
ALTER TABLE "analysis_backfill" ADD CONSTRAINT "analysis_backfill_blob_id_blobs_id_fk" FOREIGN KEY ("blob_id") REFERENCES "public"."blobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blobs" DROP COLUMN "analysis_claimed_at";--> statement-breakpoint
-- Resumes attached before the job queue that still wait for analysis: queued once, on first start.
INSERT INTO "analysis_backfill" ("blob_id") SELECT "id" FROM "blobs" WHERE "state" = 'attached' AND "analyzed_at" IS NULL;

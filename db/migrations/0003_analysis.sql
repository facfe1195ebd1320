CREATE TABLE "blob_variants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"blob_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key" text NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blob_variants_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "page_count" integer;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "pdf_metadata" jsonb;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "extracted_text" text;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce("blobs"."extracted_text", ''))) STORED;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "analyzed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "analysis_error" text;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "analysis_error_message" text;--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "analysis_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "blob_variants" ADD CONSTRAINT "blob_variants_blob_id_blobs_id_fk" FOREIGN KEY ("blob_id") REFERENCES "public"."blobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "blob_variants_blob_name_idx" ON "blob_variants" USING btree ("blob_id","name");--> statement-breakpoint
CREATE INDEX "blobs_search_vector_idx" ON "blobs" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "blobs_unanalyzed_idx" ON "blobs" USING btree ("created_at") WHERE "blobs"."state" = 'attached' and "blobs"."analyzed_at" is null;--> statement-breakpoint
CREATE INDEX "users_created_at_idx" ON "users" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);
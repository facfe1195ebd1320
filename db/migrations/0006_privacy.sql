CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"actor_session" text,
	"action" text NOT NULL,
	"applicant_id" uuid,
	"client_address" text
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "keep_until" date;--> statement-breakpoint
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events" USING btree ("occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_applicant_idx" ON "audit_events" USING btree ("applicant_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","occurred_at" DESC NULLS LAST);--> statement-breakpoint
-- audit_events is append-only: no UPDATE, no TRUNCATE, and DELETE only of entries older than the
-- cutoff the audit purge sets for its own transaction (lib/audit/purge-audit-events.ts), which may
-- never be less than 30 days ago.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	purge_before timestamptz := nullif(current_setting('resume_drop.audit_purge_before', true), '')::timestamptz;
BEGIN
	IF TG_OP = 'DELETE' AND purge_before IS NOT NULL AND purge_before <= now() - interval '30 days' AND OLD.occurred_at < purge_before THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

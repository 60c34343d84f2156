ALTER TABLE "reports" ADD COLUMN "support_shown_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "reports_support_unshown_idx" ON "reports" USING btree ("reported_id") WHERE "reports"."resolution" = 'support' AND "reports"."support_shown_at" IS NULL;--> statement-breakpoint
-- Offers made before this release were shown to whoever was connected then, and kept for nobody: none is pending.
UPDATE "reports" SET "support_shown_at" = "resolved_at" WHERE "resolution" = 'support';

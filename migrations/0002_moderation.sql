CREATE TABLE "blocks" (
	"blocker_id" varchar(64) NOT NULL,
	"blocked_id" varchar(64) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "blocks_blocker_id_blocked_id_pk" PRIMARY KEY("blocker_id","blocked_id")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"room_id" bigint NOT NULL,
	"reporter_id" varchar(64) NOT NULL,
	"reported_id" varchar(64) NOT NULL,
	"reason" varchar(16) NOT NULL,
	"note" text,
	"message_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"status" varchar(16) DEFAULT 'open' NOT NULL,
	"priority" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" varchar(64),
	"resolution" varchar(16),
	"resolution_note" text
);
--> statement-breakpoint
CREATE TABLE "sanctions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" varchar(64),
	"network_hash" varchar(64),
	"kind" varchar(16) NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"created_by" varchar(64) NOT NULL,
	"report_id" bigint,
	"lifted_at" timestamp with time zone,
	"lifted_by" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "strikes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" varchar(64) NOT NULL,
	"source" varchar(16) NOT NULL,
	"report_id" bigint,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_rooms" ADD COLUMN "user1_network" varchar(64);--> statement-breakpoint
ALTER TABLE "chat_rooms" ADD COLUMN "user2_network" varchar(64);--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strikes" ADD CONSTRAINT "strikes_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "blocks_blocked_idx" ON "blocks" USING btree ("blocked_id");--> statement-breakpoint
CREATE INDEX "reports_queue_idx" ON "reports" USING btree ("status","priority","id");--> statement-breakpoint
CREATE INDEX "reports_reported_idx" ON "reports" USING btree ("reported_id");--> statement-breakpoint
CREATE INDEX "reports_reporter_idx" ON "reports" USING btree ("reporter_id");--> statement-breakpoint
CREATE INDEX "reports_room_idx" ON "reports" USING btree ("room_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_one_open_per_reporter_room_uq" ON "reports" USING btree ("reporter_id","room_id") WHERE "reports"."status" = 'open';--> statement-breakpoint
CREATE INDEX "sanctions_user_idx" ON "sanctions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sanctions_network_idx" ON "sanctions" USING btree ("network_hash");--> statement-breakpoint
CREATE INDEX "sanctions_active_idx" ON "sanctions" USING btree ("id") WHERE "sanctions"."lifted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "strikes_user_idx" ON "strikes" USING btree ("user_id","created_at");
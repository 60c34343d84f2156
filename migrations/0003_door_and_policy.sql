CREATE TABLE "content_policy" (
	"id" smallint PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "held_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"room_id" bigint NOT NULL,
	"sender_id" varchar(64) NOT NULL,
	"content" text NOT NULL,
	"reasons" varchar(16)[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_acceptances" (
	"user_id" varchar(64) PRIMARY KEY NOT NULL,
	"rules_version" varchar(32) NOT NULL,
	"min_age" smallint NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "flags" varchar(16)[];--> statement-breakpoint
CREATE INDEX "held_messages_room_idx" ON "held_messages" USING btree ("room_id");
CREATE TABLE "purge_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"rooms" integer NOT NULL,
	"messages" integer NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"code_hash" varchar(64) PRIMARY KEY NOT NULL,
	"room_id" bigint NOT NULL,
	"user_id" varchar(64) NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "erased_by" varchar(16);--> statement-breakpoint
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "receipts_room_idx" ON "receipts" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "receipts_user_idx" ON "receipts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "chat_rooms_ended_at_idx" ON "chat_rooms" USING btree ("ended_at");
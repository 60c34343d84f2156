CREATE TABLE "chat_rooms" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user1_id" varchar(64) NOT NULL,
	"user2_id" varchar(64) NOT NULL,
	"match_type" varchar(32) DEFAULT 'random' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"end_reason" varchar(32)
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"room_id" bigint NOT NULL,
	"sender_id" varchar(64) NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cid" varchar(64)
);
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chat_rooms_created_at_idx" ON "chat_rooms" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "chat_rooms_user1_idx" ON "chat_rooms" USING btree ("user1_id");--> statement-breakpoint
CREATE INDEX "chat_rooms_user2_idx" ON "chat_rooms" USING btree ("user2_id");--> statement-breakpoint
CREATE INDEX "chat_rooms_active_idx" ON "chat_rooms" USING btree ("id") WHERE "chat_rooms"."is_active";--> statement-breakpoint
CREATE INDEX "messages_room_id_idx" ON "messages" USING btree ("room_id","id");--> statement-breakpoint
CREATE INDEX "messages_created_at_idx" ON "messages" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_room_sender_cid_uq" ON "messages" USING btree ("room_id","sender_id","cid");
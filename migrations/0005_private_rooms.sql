CREATE TABLE "private_key_rooms" (
	"key_hash" varchar(64) NOT NULL,
	"room_id" bigint NOT NULL,
	CONSTRAINT "private_key_rooms_key_hash_room_id_pk" PRIMARY KEY("key_hash","room_id")
);
--> statement-breakpoint
CREATE TABLE "private_keys" (
	"key_hash" varchar(64) PRIMARY KEY NOT NULL,
	"user1_id" varchar(64) NOT NULL,
	"user2_id" varchar(64),
	"origin" varchar(16) NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "private_key_rooms" ADD CONSTRAINT "private_key_rooms_key_hash_private_keys_key_hash_fk" FOREIGN KEY ("key_hash") REFERENCES "public"."private_keys"("key_hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_key_rooms" ADD CONSTRAINT "private_key_rooms_room_id_chat_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."chat_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "private_key_rooms_room_idx" ON "private_key_rooms" USING btree ("room_id");
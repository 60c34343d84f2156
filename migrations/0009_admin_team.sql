CREATE TABLE "admin_accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(32) NOT NULL,
	"role" varchar(16) NOT NULL,
	"password_hash" text,
	"bootstrap" boolean DEFAULT false NOT NULL,
	"totp_secret" text,
	"totp_pending_secret" text,
	"totp_last_step" bigint,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" varchar(32),
	"last_login_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "admin_accounts_role_check" CHECK ("admin_accounts"."role" IN ('owner', 'moderator', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "admin_invitations" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"role" varchar(16) NOT NULL,
	"created_by" varchar(32) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" integer,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "admin_invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "admin_audit_log" ADD COLUMN "admin_name" varchar(32);--> statement-breakpoint
-- Before the team there was one admin: what an admin did until now, "admin" did.
UPDATE "admin_audit_log" SET "admin_name" = 'admin' WHERE "action" NOT IN ('login_failure', 'sanction_automatic', 'erase_own');--> statement-breakpoint
-- Sessions now belong to an account: the ones open before the team existed end (one login again).
DELETE FROM "admin_sessions";--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD COLUMN "account_id" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "admin_invitations" ADD CONSTRAINT "admin_invitations_used_by_admin_accounts_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."admin_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admin_accounts_name_idx" ON "admin_accounts" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "admin_accounts_bootstrap_idx" ON "admin_accounts" USING btree ("bootstrap") WHERE "admin_accounts"."bootstrap";--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_account_id_admin_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."admin_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The bootstrap owner: its password is ADMIN_PASSWORD (or the generated one), as before the team.
INSERT INTO "admin_accounts" ("name", "role", "bootstrap", "created_at") VALUES ('admin', 'owner', true, now());
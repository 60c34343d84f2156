import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new SQL migration after a change to the schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/storage/schema.ts', './src/admin/admin-schema.ts', './src/moderation/moderation-schema.ts', './src/door/door-schema.ts', './src/privacy/privacy-schema.ts', './src/private/private-schema.ts'],
  out: './migrations',
});

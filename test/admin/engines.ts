import type { Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

/** PGlite always; PostgreSQL when TEST_DATABASE_URL is set (a visible skip line otherwise, a failure under CI). */
export const ENGINES: Engine[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];

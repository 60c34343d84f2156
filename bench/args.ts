/** The bench's command-line options (`node:util` parseArgs) and the parsers of their values, shared by its commands. */
import { parseArgs } from 'node:util';
import { DB_KINDS, DEFAULT_POSTGRES_URL, type DbKind } from './database-target.js';
import { MESSAGES_TARGETS, type MessagesTarget } from './scenarios/messages.js';

/** The server's default flood-control rate per identity (RATE_MESSAGES_PER_S): the bench keeps senders under it. */
export const DEFAULT_MESSAGES_PER_USER_PER_S = 5;

export type Args = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      'database-url': { type: 'string' },
      steps: { type: 'string' },
      pairs: { type: 'string' },
      duration: { type: 'string' },
      'hold-last': { type: 'string' },
      drain: { type: 'string' },
      clients: { type: 'string' },
      urls: { type: 'string' },
      workers: { type: 'string' },
      'content-chars': { type: 'string' },
      against: { type: 'string' },
      rounds: { type: 'string' },
      'wait-quiet': { type: 'string' },
      'noisy-retries': { type: 'string' },
      nice: { type: 'string' },
      env: { type: 'string', multiple: true },
      'node-arg': { type: 'string', multiple: true },
      'cpu-prof': { type: 'boolean' },
      'alloc-prof': { type: 'boolean' },
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      'keep-db': { type: 'boolean' },
      entry: { type: 'string' },
      compare: { type: 'string' },
      reverse: { type: 'boolean' },
      interests: { type: 'boolean' },
      rate: { type: 'string' },
      'purge-messages': { type: 'string' },
      'purge-after': { type: 'string' },
      baseline: { type: 'string' },
      after: { type: 'string' },
      repeat: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** `messages --db`: a storage of our server, or `bare`, the plain relay that is the ceiling. */
export function targetList(value: string | undefined): MessagesTarget[] {
  const list = (value ?? 'pglite').split(',').map((s) => s.trim());
  for (const t of list) if (!MESSAGES_TARGETS.includes(t as MessagesTarget)) throw new Error(`--db must be one of ${MESSAGES_TARGETS.join(', ')} (got '${t}')`);
  return list as MessagesTarget[];
}

export function dbList(value: string | undefined): DbKind[] {
  const list = (value ?? 'pglite').split(',').map((s) => s.trim());
  for (const db of list) if (!DB_KINDS.includes(db as DbKind)) throw new Error(`--db must be one of ${DB_KINDS.join(', ')} (got '${db}')`);
  return list as DbKind[];
}

export function adminUrl(values: Args): string {
  return values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_POSTGRES_URL;
}

export function envPairs(list: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--env needs KEY=VALUE (got '${pair}')`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** `--node-arg`: flags for the server's `node` (V8 flags that NODE_OPTIONS refuses), each starting with `--`. */
export function nodeArgs(list: string[] | undefined): string[] {
  for (const arg of list ?? []) if (!arg.startsWith('--')) throw new Error(`--node-arg needs a node flag starting with -- (got '${arg}'); write it as --node-arg=--flag`);
  return list ?? [];
}

export function niceValue(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -20 || n > 19) throw new Error(`--nice needs a whole number from -20 to 19 (got '${value}')`);
  return n;
}

export function numbers(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  // "5k" is 5,000 and "19.5k" 19,500 (a thousandfold, not three zeros appended).
  const list = value.split(',').map((s) => {
    const text = s.trim();
    return /k$/i.test(text) ? Number(text.slice(0, -1)) * 1000 : Number(text);
  });
  if (list.some((n) => !(n > 0))) throw new Error(`--steps needs positive numbers (got '${value}')`);
  return list;
}

export function num(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`expected a positive number, got '${value}'`);
  return n;
}

export function int(value: string | undefined): number | undefined {
  const n = num(value);
  if (n !== undefined && !Number.isInteger(n)) throw new Error(`expected a whole number, got '${value}'`);
  return n;
}

export function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`usage: ${what}`);
  return value;
}

/**
 * `npm run bench -- <command> [options]`: starts the real server, drives it with forked socket.io-client
 * workers over loopback, prints Markdown tables and writes JSON (and an SVG chart for `messages`) to
 * bench/results/. Commands: messages (default), connections, matching, memory, heap, purge, smoke, export,
 * profile <file>, chart <json>.
 */
import { join } from 'node:path';
import { formatAllocations, summariseAllocations } from './alloc-profile.js';
import { adminUrl, dbList, DEFAULT_MESSAGES_PER_USER_PER_S, envPairs, int, niceValue, nodeArgs, num, numbers, parse, required, type Args } from './args.js';
import { DEFAULT_POSTGRES_URL, type DbKind } from './database-target.js';
import { chartCommand, messages } from './messages-command.js';
import { machineInfo } from './proc.js';
import { formatProfile, summariseProfile } from './profile.js';
import { benchRedisUrl, removeRedisKeys } from './redis-keys.js';
import { resultsDir, saveResults, writeJson } from './report.js';
import { connectionsTable, matchingTable } from './tables.js';
import { runConnections } from './scenarios/connections.js';
import { runMatching, type MatchingOptions } from './scenarios/matching.js';
import type { StatementKind } from './scenarios/pg-ceiling.js';
import { memoryTable, runMemory, type MemoryEntry } from './scenarios/memory.js';
import { runPurge } from './scenarios/purge.js';
import { purgeTables } from './purge-report.js';

const USAGE = `npm run bench -- [command] [options]

commands:
  messages      throughput/latency ladder (default)
  connections   idle connection ladder, RSS per connection; client sockets spread over 127.0.0.1, 127.0.0.2, …;
                a step above what the open-files limits hold is capped (or refused), with a line saying why;
                --env WEB_CONCURRENCY=2: a server of two workers (given $REDIS_URL), measured as all its processes
  matching      N clients join at once; time to all matched, pairing check
  memory        idle RSS after a first start on empty data and after a restart (--db pglite,postgres)
  heap [...]    server heap per idle connection, app in process (options: npm run bench -- heap --help)
  purge         chat latency while the retention purge removes 1,000,000 expired messages, against a
                baseline before it in the same run; purge rate; expired gone, recent kept (--db pglite,postgres)
  smoke         all three with --quick (CI: well under a minute)
  export [...]  admin export benchmark (options: bench/export-bench.ts)
  screen        the content screen's cost per message, in process (default policy, crisis phrases, contact
                details); --against DIR measures another checkout's src/ in the same run; --rounds N [7]
  profile FILE  summarise a .cpuprofile, or a .heapprofile from --alloc-prof
  chart FILE    redraw the SVG of a messages JSON result
  pg-ceiling    PostgreSQL's group-commit ceiling, storage alone: rows/s and statement latency of
                appendMessages batches (--steps 1,10,50,200,1000 rows) with --workers 1,2,4 writers in flight,
                --duration S per cell [6], real schema on a fresh database (--db postgres|pglite)
  redis-ops     Redis commands (MONITOR) and Redis time (commandstats) per join, match, message and leave
                in cluster mode: three real server processes (pairs on two, the third a bystander) on
                $REDIS_URL [redis://127.0.0.1:6379], --pairs N of each kind [200], 10 messages a pair

options:
  --db pglite|postgres|none[,…]   storage (messages: several run one after another)   [pglite]
                                  messages also takes bare: not our server but the simplest Socket.IO pair relay
                                  (bench/bare-relay.ts), the ceiling the others are compared with in the same run
  --database-url URL              PostgreSQL server for --db postgres (a fresh database is created and dropped)
                                  [$BENCH_DATABASE_URL or ${DEFAULT_POSTGRES_URL}]
  --steps a,b,c                   messages: offered msg/s; connections: open sockets
  --pairs N                       messages: chatting pairs        [1000, more if a user would pass half its rate limit]
  --duration S                    seconds per step; memory: idle seconds before sampling  [messages 60, connections 10, memory 20]
  --hold-last S                   connections: hold of the last step                      [60]
  --drain S                       messages: wait for late acks/deliveries after a step    [10]
  --clients N                     matching: clients                                       [10000]
  --urls a,b                      matching: use running servers instead of starting one
  --workers K                     load-generator processes                                [2, more for many sockets]
  --content-chars N               messages: characters per message                        [48]
  --wait-quiet S                  messages: before a step (purge: before the server starts), wait up to S s
                                  for the machine to idle                                 [60; quick 0]
  --noisy-retries N               messages: repeat a step disturbed by other processes' CPU (> 35% of a core) at most N times [2]
  --nice N                        run the server, its PostgreSQL backends and the generator at nice N
                                  (--nice=-10, as root) when other jobs share the machine
  --env KEY=VALUE                 extra server environment (repeatable), e.g. WRITE_QUEUE_MAX=50000
  --node-arg=--FLAG               messages, connections: a flag for the server's node (repeatable), e.g.
                                  --node-arg=--optimize-for-size (V8 flags that NODE_OPTIONS refuses)
  --cpu-prof                      run the server with --cpu-prof and summarise the profile
  --alloc-prof                    messages: sample the server's allocations over the steps (collected objects
                                  included: what GC time is spent on) and summarise them per message
  --quick                         tiny smoke run
  --keep-db                       keep the bench database / data directory
  --entry dist|source             memory: npm start's dist/server/main.js, or src/main.ts through tsx  [dist]
  --compare moderation            messages: each --db twice, plain and with 10,000 sanctions (1,000 by network) and
                                  10,000 blocks loaded; prints the loaded run's delivered msg/s and p99 against the plain one's
  --compare policy                messages: each --db twice, content policy off, then on with a 10,000-term list
  --compare workers               messages: each --db (not bare) three times: one process; one process in cluster
                                  mode ($REDIS_URL); WEB_CONCURRENCY=2 workers (server CPU and RSS: all its processes)
  --compare backpressure          messages: each --db twice, READ_BACKPRESSURE=off (a full queue only refuses), then on
  --compare prepare               pg-ceiling: each cell with the append statement unnamed (parsed and planned on every
                                  run), then prepared (named, as the server sends it)
  --reverse                       with --compare: the loaded run first (ratios then read the other way)
  --interests                     matching: each client joins with 1–3 of 200 tags (Zipf, seeded); server gets
                                  INTEREST_WAIT_MS=3000 unless --env sets it (--urls: pass the servers' value)
  --rate N                        purge: offered chat msg/s throughout                   [1000; quick 200]
  --purge-messages N              purge: expired messages preloaded (50 per room, ended 35–45 days ago),
                                  plus a tenth as many in recent rooms                   [1000000; quick 20000]
  --purge-after S                 purge: PURGE_INTERVAL_MS, i.e. when the first purge fires after start
                                  (at most 60: the server's first run comes a minute after start at the latest) [60; quick 20]
  --baseline S                    purge: seconds of chat before the purge compared with it  [20; quick 3]
  --after S                       purge: seconds of chat after it ends (a second reference)  [10; quick 2]
  --repeat N                      purge: runs per database, each on fresh data; prints the medians  [1]
  --out FILE                      JSON output path                                        [bench/results/<command>-<time>.json]
`;


const log = (line: string) => console.log(line);



async function main(): Promise<number> {
  // `export` and `heap` have options of their own (bench/export-bench.ts, bench/scenarios/heap.ts).
  if (process.argv[2] === 'export') return exportCommand(process.argv.slice(3));
  if (process.argv[2] === 'heap') return (await import('./scenarios/heap.js')).heapCommand(process.argv.slice(3), log);
  if (process.argv[2] === 'screen') {
    const { values } = parse(process.argv.slice(3));
    const against = typeof values.against === 'string' ? values.against : undefined;
    return (await import('./scenarios/screen.js')).screenCommand({ against, rounds: int(values.rounds) ?? 7 }, log);
  }
  const { values, positionals } = parse(process.argv.slice(2));
  const command = positionals[0] ?? 'messages';
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const quick = Boolean(values.quick || values.smoke);
  if (values['node-arg'] && command !== 'messages' && command !== 'connections') {
    console.error(`--node-arg is taken by the messages and connections commands only (not '${command}')`);
    return 2;
  }
  switch (command) {
    case 'messages':
      return messages(values, quick, log);
    case 'connections':
      return connections(values, quick);
    case 'matching':
      return matching(values, quick);
    case 'memory':
      return memory(values, quick);
    case 'purge':
      return purge(values, quick);
    case 'pg-ceiling':
      return pgCeiling(values, quick);
    case 'redis-ops':
      return redisOps(values, quick);
    case 'smoke':
    case 'quick': {
      const results = [await messages(values, true, log), await connections(values, true), await matching(values, true)];
      return Math.max(...results);
    }
    case 'profile': {
      const file = required(positionals[1], 'profile FILE');
      console.log(file.endsWith('.heapprofile') ? formatAllocations(summariseAllocations(file)) : formatProfile(summariseProfile(file)));
      return 0;
    }
    case 'chart':
      console.log(`chart: ${chartCommand(required(positionals[1], 'chart FILE'))}`);
      return 0;
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}


/** Key prefix of a cluster server that `connections` gave Redis to (its keys are removed afterwards). */
const CONNECTIONS_PREFIX = 'bench-connections:';

/** A server of several workers (`--env WEB_CONCURRENCY=2`) needs Redis: given `$REDIS_URL` and keys of its own unless `--env` names them. */
function clusterRedis(env: Record<string, string>): Record<string, string> {
  if (Number(env.WEB_CONCURRENCY ?? 1) <= 1 || env.REDIS_URL) return env;
  return { ...env, REDIS_URL: benchRedisUrl(), REDIS_PREFIX: `${CONNECTIONS_PREFIX}${process.pid}:` };
}

async function connections(values: Args, quick: boolean): Promise<number> {
  const steps = numbers(values.steps) ?? (quick ? [200, 500] : [1000, 2000, 5000, 10000, 15000, 18000]);
  const options = {
    db: dbList(values.db)[0]!,
    steps,
    durationS: num(values.duration) ?? (quick ? 2 : 10),
    holdLastS: num(values['hold-last']) ?? (quick ? 2 : 60),
    settleS: quick ? 2 : 20,
    nice: niceValue(values.nice),
    // Each worker holds at most ~5,000 sockets: far below its open-files limit.
    workers: int(values.workers) ?? Math.max(2, Math.ceil(Math.max(...steps) / 5000)),
    adminUrl: adminUrl(values),
    keepDb: Boolean(values['keep-db']),
    serverEnv: clusterRedis(envPairs(values.env)),
    serverNodeArgs: nodeArgs(values['node-arg']),
  };
  const startedAt = new Date().toISOString();
  const prefix = options.serverEnv.REDIS_PREFIX;
  const run = await runConnections(options, log).finally(() => (prefix?.startsWith(CONNECTIONS_PREFIX) ? removeRedisKeys(prefix) : undefined));
  const path = saveResults('connections', { kind: 'connections', startedAt, machine: machineInfo(), options, run }, { out: values.out, quick });
  log(`\n${connectionsTable(run)}\n\nresults: ${path}`);
  return run.error ? 1 : 0;
}

async function matching(values: Args, quick: boolean): Promise<number> {
  const clients = int(values.clients) ?? (quick ? 500 : 10_000);
  const options: MatchingOptions = {
    db: dbList(values.db)[0]!,
    clients: clients + (clients % 2),
    workers: int(values.workers) ?? Math.max(2, Math.ceil(clients / 5000)),
    urls: values.urls ? values.urls.split(',').map((u) => u.trim()).filter(Boolean) : [],
    timeoutS: 30,
    nice: niceValue(values.nice),
    adminUrl: adminUrl(values),
    keepDb: Boolean(values['keep-db']),
    serverEnv: envPairs(values.env),
  };
  if (values.interests) {
    // A short fallback wait keeps the run short; servers given with --urls must be started with the same.
    options.serverEnv.INTEREST_WAIT_MS ??= '3000';
    options.interests = { tags: 200, zipfS: 1, seed: 16, waitMs: Number(options.serverEnv.INTEREST_WAIT_MS) };
  }
  const startedAt = new Date().toISOString();
  const run = await runMatching(options, log);
  const path = saveResults('matching', { kind: 'matching', startedAt, machine: machineInfo(), options, run }, { out: values.out, quick });
  log(`\n${matchingTable(run)}\n\nresults: ${path}`);
  const c = run.check;
  return run.error || c.oddRooms || c.selfMatches || c.doubleMatches || c.duplicateIdentities ? 1 : 0;
}

async function memory(values: Args, quick: boolean): Promise<number> {
  const entry = values.entry ?? 'dist';
  if (entry !== 'dist' && entry !== 'source') throw new Error(`--entry must be dist or source (got '${entry}')`);
  const options = {
    dbs: dbList(values.db),
    entry: entry as MemoryEntry,
    settleS: num(values.duration) ?? (quick ? 3 : 20),
    windowS: quick ? 2 : 10,
    adminUrl: adminUrl(values),
    keepDb: Boolean(values['keep-db']),
    serverEnv: envPairs(values.env),
  };
  const startedAt = new Date().toISOString();
  const runs = await runMemory(options, log);
  const path = saveResults(`memory-${options.dbs.join('-')}`, { kind: 'memory', startedAt, machine: machineInfo(), options, runs }, { out: values.out, quick });
  log(`\n${memoryTable(runs)}\n\nresults: ${path}`);
  return runs.some((r) => r.error !== undefined || r.starts.some((s) => s.exitCode !== 0)) ? 1 : 0;
}

async function purge(values: Args, quick: boolean): Promise<number> {
  const rate = int(values.rate) ?? (quick ? 200 : 1000);
  const workers = int(values.workers) ?? 2;
  const serverEnv = envPairs(values.env);
  // Workers take turns sending each chunk at the full rate: a user sends `workers` times its average.
  const perUserRate = Number(serverEnv.RATE_MESSAGES_PER_S ?? DEFAULT_MESSAGES_PER_USER_PER_S);
  const minPairs = Math.ceil((rate * workers) / perUserRate);
  const options = {
    dbs: values.db ? dbList(values.db) : (['pglite', 'postgres'] as DbKind[]),
    repeat: int(values.repeat) ?? 1,
    waitQuietS: values['wait-quiet'] === '0' ? 0 : (num(values['wait-quiet']) ?? (quick ? 0 : 60)),
    load: { expiredMessages: int(values['purge-messages']) ?? (quick ? 20_000 : 1_000_000), messagesPerRoom: 50, expiredDaysAgo: [35, 45] as const, recentShare: 0.1, recentDaysAgo: [1, 25] as const },
    retentionDays: 30,
    rate,
    pairs: int(values.pairs) ?? Math.max(quick ? 50 : 1000, minPairs),
    workers,
    purgeAfterS: int(values['purge-after']) ?? (quick ? 20 : 60),
    baselineS: num(values.baseline) ?? (quick ? 3 : 20),
    afterS: num(values.after) ?? (quick ? 2 : 10),
    maxPurgeS: quick ? 120 : 1_800,
    chunkS: 1,
    drainS: num(values.drain) ?? 10,
    contentChars: int(values['content-chars']) ?? 48,
    tickMs: 5,
    adminUrl: adminUrl(values),
    keepDb: Boolean(values['keep-db']),
    serverEnv,
    nice: niceValue(values.nice),
    targetP99Ms: 20,
  };
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const runs = await runPurge(options, log);
  const path = saveResults(`purge-${options.dbs.join('-')}`, { kind: 'purge', startedAt, machine, options, runs }, { out: values.out, quick });
  log(`\n${purgeTables(runs, options.targetP99Ms)}\n\nresults: ${path}`);
  for (const r of runs) {
    const during = r.windows.find((w) => w.name === 'purge');
    if (r.targetHeld === undefined || !during) continue;
    const base = r.windows.find((w) => w.name === 'baseline');
    const verdict = r.target === 'held' ? 'held' : r.target === 'not held' ? 'did NOT hold' : 'did NOT hold, but the baseline before the purge did not either (busy machine)';
    log(`${r.db} run ${r.attempt}: chat p99 ≤ ${options.targetP99Ms} ms while purging at ${options.rate} msg/s ${verdict} (p99 ${during.latency.p99Ms} ms, max ${during.latency.maxMs} ms; baseline p99 ${base?.latency.p99Ms ?? '?'} ms)`);
  }
  return runs.some((r) => r.error !== undefined) ? 1 : 0;
}

async function exportCommand(argv: string[]): Promise<number> {
  const { parseExportArgs, runExportBench, exportTable } = await import('./export-bench.js');
  const { options, out } = parseExportArgs(argv);
  const result = await runExportBench(options);
  const path = out ?? join(resultsDir, `export-${options.db}-${options.format}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeJson(path, result);
  log(`\n${exportTable([result])}\n\nresults: ${path}`);
  return 0;
}


// Ctrl-C or a kill: exit through process.exit so the 'exit' handlers stop the server and the workers.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the server and the workers`);
    process.exit(130);
  });
}

/** `pg-ceiling`: bench/scenarios/pg-ceiling.ts. --steps are batch sizes, --workers the writer counts. */
async function pgCeiling(values: Args, quick: boolean): Promise<number> {
  const { runPgCeiling, pgCeilingTables } = await import('./scenarios/pg-ceiling.js');
  const db = values.db ?? 'postgres';
  if (db !== 'postgres' && db !== 'pglite') throw new Error(`pg-ceiling: --db postgres or pglite (got '${db}')`);
  const options = {
    db: db as 'postgres' | 'pglite',
    adminUrl: adminUrl(values),
    batchSizes: numbers(values.steps) ?? (quick ? [1, 50] : [1, 10, 50, 200, 1000]),
    writers: numbers(values.workers) ?? (quick ? [1, 2] : db === 'pglite' ? [1] : [1, 2, 4]),
    durationS: num(values.duration) ?? (quick ? 1 : 6),
    warmupS: quick ? 0.2 : 1,
    rooms: 1_000,
    contentChars: int(values['content-chars']) ?? 48,
    keepDb: Boolean(values['keep-db']),
    statements: pgStatements(values.compare, values.reverse === true),
  };
  const startedAt = new Date().toISOString();
  const run = await runPgCeiling(options, log);
  const path = saveResults(`pg-ceiling-${db}`, { kind: 'pg-ceiling', startedAt, machine: machineInfo(), options, run }, { out: values.out, quick });
  log(`\n${pgCeilingTables(run)}\n\nresults: ${path}`);
  return run.cells.some((c) => c.notStored > 0) ? 1 : 0;
}

/** pg-ceiling's `--compare prepare`: each cell with the statement unnamed, then prepared (`--reverse`: prepared first). */
function pgStatements(compare: string | undefined, reverse: boolean): StatementKind[] {
  if (compare === undefined) return ['prepared'];
  if (compare !== 'prepare') throw new Error(`pg-ceiling: --compare prepare (got '${compare}')`);
  return reverse ? ['prepared', 'unnamed'] : ['unnamed', 'prepared'];
}

/** `redis-ops`: bench/scenarios/redis-ops.ts. */
async function redisOps(values: Args, quick: boolean): Promise<number> {
  const { runRedisOps, redisOpsTables } = await import('./scenarios/redis-ops.js');
  const options = {
    redisUrl: benchRedisUrl(),
    adminUrl: adminUrl(values),
    pairs: int(values.pairs) ?? (quick ? 20 : 200),
    messagesPerPair: 10,
    keepDb: Boolean(values['keep-db']),
    serverEnv: envPairs(values.env),
  };
  const startedAt = new Date().toISOString();
  const run = await runRedisOps(options, log);
  const path = saveResults('redis-ops', { kind: 'redis-ops', startedAt, machine: machineInfo(), options, run }, { out: values.out, quick });
  log(`\n${redisOpsTables(run)}\n\nresults: ${path}`);
  return run.error ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

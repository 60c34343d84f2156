/**
 * `npm run bench -- messages`: the message ladder over one or more targets (`--db`), its `--compare` variants,
 * the results' tables and chart; `chart FILE` redraws a chart from saved results.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatAllocations, summariseAllocations } from './alloc-profile.js';
import { adminUrl, DEFAULT_MESSAGES_PER_USER_PER_S, envPairs, int, niceValue, nodeArgs, num, numbers, targetList, type Args } from './args.js';
import { messagesChart, type ChartSeries } from './chart.js';
import { machineInfo } from './proc.js';
import { formatProfile, summariseProfile } from './profile.js';
import { benchRedisUrl, removeRedisKeys } from './redis-keys.js';
import { resultsDir, saveResults, writeText } from './report.js';
import { ceilingTable, comparisonTable, messagesTables, runName, stagesTable } from './tables.js';
import { runMessages, type MessagesRun, type MessagesVariant } from './scenarios/messages.js';

/** The runs `--compare` makes of each database, the first being the one the others are compared with. */
function compareVariants(what: string, quick: boolean): MessagesVariant[] {
  const many = quick ? 1_000 : 10_000;
  if (what === 'moderation') return [{ label: 'baseline' }, { label: 'moderation', moderation: { sanctions: many, blocks: many } }];
  if (what === 'policy') return [{ label: 'policy off', env: { CONTENT_POLICY: 'off' } }, { label: `policy on, ${many} terms`, policyTerms: many }];
  if (what === 'workers') {
    // Cluster mode needs Redis; each run gets keys of its own (and removes them: see runMessagesCommand).
    const redis = (label: string) => ({ REDIS_URL: benchRedisUrl(), REDIS_PREFIX: `${WORKERS_PREFIX}${process.pid}:${label}:` });
    return [{ label: '1 process' }, { label: '1 process + Redis', env: redis('one') }, { label: '2 workers + Redis', env: { ...redis('two'), WEB_CONCURRENCY: '2' } }];
  }
  if (what === 'backpressure') return [{ label: 'refusal only', env: { READ_BACKPRESSURE: 'off' } }, { label: 'backpressure', env: { READ_BACKPRESSURE: 'on' } }];
  throw new Error(`--compare: 'moderation', 'policy', 'workers' or 'backpressure', not '${what}'`);
}

/** Key prefix of the servers of `--compare workers` (their keys are removed afterwards). */
const WORKERS_PREFIX = 'bench-workers:';

/** `--reverse`: the loaded variant first (a first run on a fresh machine can be the slower one: order effects show). */
function ordered<T>(variants: T[], reverse: boolean): T[] {
  return reverse ? [...variants].reverse() : variants;
}

export async function messages(values: Args, quick: boolean, log: (line: string) => void): Promise<number> {
  const dbs = targetList(values.db);
  const startedAt = new Date().toISOString();
  const steps = numbers(values.steps) ?? (quick ? [100, 500] : [100, 1000, 5000, 10000]);
  const serverEnv = envPairs(values.env);
  // Each user may send RATE_MESSAGES_PER_S (server default 5): keep every socket at half of that or less.
  const perUserRate = Number(serverEnv.RATE_MESSAGES_PER_S ?? DEFAULT_MESSAGES_PER_USER_PER_S);
  const minPairs = Math.ceil(Math.max(...steps) / perUserRate);
  const pairs = int(values.pairs) ?? Math.max(quick ? 50 : 1000, minPairs);
  if (pairs < minPairs) log(`note: ${pairs} pairs send ${Math.max(...steps) / (2 * pairs)} msg/s per user at the top step; the server allows ${perUserRate}/s per user (expect RATE_LIMITED)`);
  const options = {
    dbs,
    steps,
    pairs,
    durationS: num(values.duration) ?? (quick ? 3 : 60),
    drainS: num(values.drain) ?? (quick ? 5 : 10),
    workers: int(values.workers) ?? 2,
    contentChars: int(values['content-chars']) ?? 48,
    tickMs: 5,
    adminUrl: adminUrl(values),
    keepDb: Boolean(values['keep-db']),
    cpuProfDir: values['cpu-prof'] ? join(resultsDir, 'profiles') : undefined,
    allocProfDir: values['alloc-prof'] ? join(resultsDir, 'profiles') : undefined,
    serverEnv,
    serverNodeArgs: nodeArgs(values['node-arg']),
    waitQuietS: values['wait-quiet'] === '0' ? 0 : (num(values['wait-quiet']) ?? (quick ? 0 : 60)),
    nice: niceValue(values.nice),
    noisyRetries: values['noisy-retries'] === '0' ? 0 : (int(values['noisy-retries']) ?? (quick ? 0 : 2)),
    ...(values.compare ? { variants: ordered(compareVariants(values.compare, quick), values.reverse === true) } : {}),
  };
  const machine = machineInfo();
  const runs = await runMessages(options, log).finally(() => (values.compare === 'workers' ? removeRedisKeys(`${WORKERS_PREFIX}${process.pid}:`) : undefined));
  const versions = runs.map((r) => `${r.db}: ${r.version ?? '?'}`).join('; ');
  const data = { kind: 'messages', startedAt, machine: { ...machine, storage: versions }, options, runs };
  const name = `messages-${dbs.join('-')}${values.compare ? `-${values.compare}` : ''}`;
  const path = saveResults(name, data, { out: values.out, quick });
  // A single step is no curve: the chart is drawn for ladders only.
  const stepCount = runs.reduce((n, r) => n + r.steps.length, 0);
  const chart = stepCount > runs.length ? drawChart(runs, name, startedAt, machine.cpus, quick, values.out) : 'none (one step per run)';
  log(`\n${messagesTables(runs)}\n\n${stagesTable(runs)}\n\nresults: ${path}\nchart: ${chart}`);
  if (dbs.includes('bare')) log(`\n${ceilingTable(runs)}`);
  if (options.variants) log(`\n${comparisonTable(runs)}`);
  for (const run of runs) {
    if (run.profile) {
      const summary = formatProfile(summariseProfile(run.profile, run.loadWindow));
      writeText(run.profile.replace(/\.cpuprofile$/, '.summary.md'), summary + '\n');
      log(`\n${summary}`);
    }
    if (run.allocations) {
      const summary = formatAllocations(summariseAllocations(run.allocations.file, run.allocations.messages));
      writeText(run.allocations.file.replace(/\.heapprofile$/, '.summary.md'), summary + '\n');
      log(`\n${summary}`);
    }
  }
  const broken = runs.some(
    (r) => r.error !== undefined || r.verification?.ok === false || r.steps.some((s) => s.undelivered > 0 || s.deliveredTwice > 0),
  );
  return broken ? 1 : 0;
}

/** Draws `<name>.svg` (the results' name: a `--compare` kind gets a chart of its own). */
function drawChart(runs: MessagesRun[], name: string, startedAt: string, cpus: number, quick: boolean, out?: string): string {
  const series: ChartSeries[] = runs.map((r) => ({
    label: runName(r),
    points: r.steps.map((s) => ({ offered: s.offered, delivered: s.deliveredPerS, p50Ms: s.latency.p50Ms, p99Ms: s.latency.p99Ms, pass: s.pass })),
  }));
  const duration = runs[0]?.steps[0]?.durationS;
  const pairs = runs[0]?.pairs;
  const svg = messagesChart(series, {
    title: `Messages: ${runs.map(runName).join(' vs ')} — ${startedAt.slice(0, 10)}`,
    subtitle: `${pairs ?? '?'} chatting pairs, ${duration ?? '?'} s per step, open-loop; server, database and load generator on one ${cpus}-core machine`,
    latencyTargetMs: 50,
  });
  const path = out ? out.replace(/\.json$/, '') + '.svg' : join(resultsDir, `${name}${quick ? '-quick' : ''}.svg`);
  writeText(path, svg);
  return path;
}

/** Redraws the chart of a saved messages result; returns its path. */
export function chartCommand(file: string): string {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { startedAt: string; machine: { cpus: number }; runs: MessagesRun[] };
  const name = basename(file, '.json').replace(/^latest-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+$/, '');
  return drawChart(data.runs, name, data.startedAt, data.machine.cpus, false);
}

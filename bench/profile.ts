/**
 * Summary of a V8 `.cpuprofile` (from `node --cpu-prof`): where the CPU went, by function (self time),
 * by package or source file, and the app's own functions by inclusive time.
 */
import { readFileSync } from 'node:fs';
import { table } from './report.js';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** The part of the profile summarised (shared monotonic clock, ms), when restricted to the load. */
  window: { fromMs: number; toMs: number } | undefined;
  totalMs: number;
  idleMs: number;
  bySelf: { fn: string; where: string; selfMs: number; percent: number }[];
  byPackage: { pkg: string; selfMs: number; percent: number }[];
  appInclusive: { fn: string; where: string; totalMs: number; percent: number }[];
}

const IDLE = new Set(['(idle)', '(program)']);

/**
 * @param window only samples taken in this interval (V8's profile clock is CLOCK_MONOTONIC, the same as the
 *   bench's `nowMs()`), so start-up (module loading, migrations) does not drown the steady state.
 */
export function summariseProfile(file: string, window?: { fromMs: number; toMs: number }, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.fromMs * 1000 || at > window.toMs * 1000)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0));
  });

  let idleUs = 0;
  let totalUs = 0;
  const fnSelf = new Map<string, { fn: string; where: string; us: number }>();
  const pkgSelf = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    totalUs += us;
    if (IDLE.has(node.callFrame.functionName)) idleUs += us;
    const { key, fn, where } = describeFrame(node.callFrame);
    const entry = fnSelf.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    fnSelf.set(key, entry);
    const pkg = packageOfFrame(node.callFrame);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + us);
  }
  const busyUs = Math.max(totalUs - idleUs, 1);

  // Inclusive time of app functions, counting a function once per stack (recursion).
  const totalOf = new Map<number, number>();
  const inclusive = (id: number): number => {
    const cached = totalOf.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const sum = (selfUs.get(id) ?? 0) + (node.children ?? []).reduce((n, c) => n + inclusive(c), 0);
    totalOf.set(id, sum);
    return sum;
  };
  const root = profile.nodes[0]!;
  const appTotals = new Map<string, { fn: string; where: string; us: number }>();
  const stack: { id: number; onPath: Set<string> }[] = [{ id: root.id, onPath: new Set() }];
  while (stack.length > 0) {
    const { id, onPath } = stack.pop()!;
    const node = byId.get(id)!;
    const { key, fn, where } = describeFrame(node.callFrame);
    let path = onPath;
    if (isAppFrame(node.callFrame) && !onPath.has(key)) {
      const entry = appTotals.get(key) ?? { fn, where, us: 0 };
      entry.us += inclusive(id);
      appTotals.set(key, entry);
      path = new Set(onPath).add(key);
    }
    for (const child of node.children ?? []) stack.push({ id: child, onPath: path });
  }

  const pct = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    window,
    totalMs: ms(totalUs),
    idleMs: ms(idleUs),
    bySelf: [...fnSelf.values()]
      .filter((e) => !IDLE.has(e.fn))
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: ms(e.us), percent: pct(e.us) })),
    byPackage: [...pkgSelf.entries()]
      .filter(([pkg]) => pkg !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([pkg, us]) => ({ pkg, selfMs: ms(us), percent: pct(us) })),
    appInclusive: [...appTotals.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, totalMs: ms(e.us), percent: pct(e.us) })),
  };
}

export function formatProfile(s: ProfileSummary): string {
  return [
    `CPU profile ${s.file}${s.window ? ` (load phase only, ${Math.round(s.window.toMs - s.window.fromMs)} ms)` : ''}: ` +
      `${s.totalMs} ms sampled, ${s.idleMs} ms idle; percentages are of busy (non-idle) time.`,
    '',
    'Self time by package / file:',
    table(['package or file', 'self ms', '% busy'], s.byPackage.map((p) => [p.pkg, p.selfMs, p.percent])),
    '',
    'Self time by function:',
    table(['function', 'where', 'self ms', '% busy'], s.bySelf.map((e) => [e.fn, e.where, e.selfMs, e.percent])),
    '',
    "The app's own functions (src/) by inclusive time:",
    table(['function', 'where', 'total ms', '% busy'], s.appInclusive.map((e) => [e.fn, e.where, e.totalMs, e.percent])),
  ].join('\n');
}

/** A function as the summaries name it, and the key that tells functions apart. */
export function describeFrame({ functionName, url, lineNumber }: CallFrame): { key: string; fn: string; where: string } {
  const fn = functionName || '(anonymous)';
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
  return { key: `${fn}@${where}`, fn, where };
}

/** The built server's modules (dist/server/x.js) are named as their sources (src/x.js). */
const BUILT = '/dist/server/';

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const built = url.indexOf(BUILT);
  if (built >= 0) return 'src/' + url.slice(built + BUILT.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** The package (node_modules), Node.js module or source file a frame belongs to. */
export function packageOfFrame({ url, functionName }: CallFrame): string {
  if (!url) return IDLE.has(functionName) ? '(idle)' : functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: ' + url.slice(5).split('/').slice(0, 2).join('/');
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return shortUrl(url);
}

/** A frame of the app's own code (src/, or the built server's dist/server/). */
export function isAppFrame({ url }: CallFrame): boolean {
  return (url.includes('/src/') || url.includes(BUILT)) && !url.includes('node_modules');
}

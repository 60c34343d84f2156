/**
 * Summary of a V8 sampling heap profile (`.heapprofile`, from `--alloc-prof`, which counts collected
 * objects too): how many bytes were allocated, by package or source file, by function, and under each
 * of the app's own functions (everything allocated below the nearest src/ frame on the stack: the
 * library work a function of ours asks for is counted to it).
 */
import { readFileSync } from 'node:fs';
import { describeFrame, isAppFrame, packageOfFrame, type CallFrame } from './profile.js';
import { table } from './report.js';

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface AllocationSummary {
  file: string;
  totalBytes: number;
  /** Messages sent during the sampled window, when known: bytes per message. */
  messages: number | undefined;
  byPackage: { pkg: string; bytes: number }[];
  bySelf: { fn: string; where: string; bytes: number }[];
  underApp: { fn: string; where: string; bytes: number }[];
}

export function summariseAllocations(file: string, messages?: number, top = 25): AllocationSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const byPackage = new Map<string, number>();
  const bySelf = new Map<string, { fn: string; where: string; bytes: number }>();
  const underApp = new Map<string, { fn: string; where: string; bytes: number }>();
  let totalBytes = 0;
  const add = (map: Map<string, { fn: string; where: string; bytes: number }>, d: ReturnType<typeof describeFrame>, bytes: number) => {
    const entry = map.get(d.key) ?? { fn: d.fn, where: d.where, bytes: 0 };
    entry.bytes += bytes;
    map.set(d.key, entry);
  };
  const stack: { node: HeapNode; app: ReturnType<typeof describeFrame> | undefined }[] = [{ node: profile.head, app: undefined }];
  while (stack.length > 0) {
    const { node, app } = stack.pop()!;
    const d = describeFrame(node.callFrame);
    const owner = isAppFrame(node.callFrame) ? d : app;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      const pkg = packageOfFrame(node.callFrame);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
      add(bySelf, d, node.selfSize);
      if (owner) add(underApp, owner, node.selfSize);
    }
    for (const child of node.children) stack.push({ node: child, app: owner });
  }
  const sorted = <T extends { bytes: number }>(values: Iterable<T>) => [...values].sort((a, b) => b.bytes - a.bytes).slice(0, top);
  return {
    file,
    totalBytes,
    messages,
    byPackage: sorted([...byPackage].map(([pkg, bytes]) => ({ pkg, bytes }))),
    bySelf: sorted(bySelf.values()),
    underApp: sorted(underApp.values()),
  };
}

export function formatAllocations(s: AllocationSummary): string {
  const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
  const share = (bytes: number) => Math.round((bytes / Math.max(s.totalBytes, 1)) * 1000) / 10;
  const perMessage = s.messages ? (bytes: number) => Math.round(bytes / s.messages!) : undefined;
  const columns = (first: string[]) => [...first, 'MB', '%', ...(perMessage ? ['B/message'] : [])];
  const cells = (bytes: number) => [mb(bytes), share(bytes), ...(perMessage ? [perMessage(bytes)] : [])];
  return [
    `Allocation profile ${s.file}: ${mb(s.totalBytes)} MB allocated while sampled (collected objects included)` +
      (s.messages ? `, ${s.messages.toLocaleString('en')} messages sent: ${perMessage!(s.totalBytes).toLocaleString('en')} B per message` : '') +
      '. Sampled every 16 KB on average: small entries are estimates.',
    '',
    'Allocated by package / file:',
    table(columns(['package or file']), s.byPackage.map((p) => [p.pkg, ...cells(p.bytes)])),
    '',
    'Allocated by function (self):',
    table(columns(['function', 'where']), s.bySelf.map((e) => [e.fn, e.where, ...cells(e.bytes)])),
    '',
    "Allocated under the app's own functions (nearest src/ frame; library calls below it included):",
    table(columns(['function', 'where']), s.underApp.map((e) => [e.fn, e.where, ...cells(e.bytes)])),
  ].join('\n');
}

/**
 * Output: aligned Markdown tables for the terminal (paste-able into BENCHMARKS.md) and JSON files.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from './server-process.js';

export const resultsDir = join(projectRoot, 'bench', 'results');

export type Cell = string | number;

/** A Markdown table with right-aligned numbers, padded so it also reads well in a terminal. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((row) => typeof row[i] === 'number'));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...text.map(line)].join('\n');
}

/** Thousands separated, at most one decimal below 100, none above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** `{SERVER_BUSY: 3, NOT_IN_CHAT: 1}` → `SERVER_BUSY 3, NOT_IN_CHAT 1`; `-` when empty. */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([code, n]) => `${code} ${formatNumber(n)}`);
  return parts.length ? parts.join(', ') : '-';
}

export function mb(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** Writes JSON (typed arrays excluded: they are working data, not results). */
export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const replacer = (_key: string, value: unknown) => (ArrayBuffer.isView(value) ? undefined : value);
  writeFileSync(path, JSON.stringify(data, replacer, 2) + '\n');
}

/** Writes the run's JSON to `out`, or to a timestamped name and (for full runs) `latest-<name>.json`. */
export function saveResults(name: string, data: unknown, options: { out: string | undefined; quick: boolean }): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const path = options.out ?? join(resultsDir, `${name}${options.quick ? '-quick' : ''}-${stamp}.json`);
  writeJson(path, data);
  const latest = join(resultsDir, `latest-${name}.json`);
  if (!options.quick && !options.out) copyFileSync(path, latest);
  return path;
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

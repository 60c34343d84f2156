/**
 * The ladder as a picture, hand-written SVG: offered msg/s on x (log), latency p50/p99 on the left axis
 * (log, ms), delivered msg/s on the right axis (log, same scale as x, so "all delivered" is the diagonal).
 * One colour per storage engine, one line style per measure.
 */

export interface ChartSeries {
  label: string;
  points: { offered: number; delivered: number; p50Ms: number; p99Ms: number; pass: boolean }[];
}

export interface ChartOptions {
  title: string;
  subtitle: string;
  /** A horizontal reference line on the latency axis, e.g. the p99 target. */
  latencyTargetMs?: number;
}

const W = 960;
const H = 560;
const M = { left: 80, right: 90, top: 78, bottom: 120 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
const COLOURS: Record<string, string> = { postgres: '#1f5fbf', pglite: '#1a8f3c', none: '#d9730d' };
const FALLBACK_COLOURS = ['#7b3fbf', '#bf3f6f', '#3f8fbf'];

const STYLES = {
  p50: { dash: '', marker: 'circle', name: 'latency p50 (left axis)' },
  p99: { dash: '7 4', marker: 'square', name: 'latency p99 (left axis)' },
  delivered: { dash: '2 4', marker: 'triangle', name: 'delivered msg/s (right axis)' },
} as const;

export function messagesChart(series: ChartSeries[], options: ChartOptions): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(options);
  const offered = all.map((p) => p.offered);
  const rateDomain = logDomain(Math.min(...offered, ...all.map((p) => Math.max(p.delivered, 1))) / 1.5, Math.max(...offered) * 1.5);
  const latencies = all.flatMap((p) => [p.p50Ms, p.p99Ms]).filter((v) => v > 0);
  const latencyDomain = logDomain(Math.max(Math.min(...latencies, options.latencyTargetMs ?? Infinity) / 1.5, 0.05), Math.max(...latencies, options.latencyTargetMs ?? 0) * 1.5);
  const x = (v: number) => M.left + scaleLog(v, rateDomain) * PW;
  const yLat = (v: number) => M.top + PH - scaleLog(Math.max(v, latencyDomain[0]), latencyDomain) * PH;
  const yRate = (v: number) => M.top + PH - scaleLog(Math.max(v, rateDomain[0]), rateDomain) * PH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  // A long title (the runs of a --compare) in a smaller size rather than clipped.
  out.push(text(W / 2, 30, options.title, { size: options.title.length > 70 ? 15 : 20, anchor: 'middle', weight: 'bold' }));
  out.push(text(W / 2, 54, options.subtitle, { size: 13, anchor: 'middle', fill: '#555' }));

  // Grid and axes.
  for (const t of logTicks(rateDomain)) {
    const px = x(t.value);
    out.push(line(px, M.top, px, M.top + PH, t.major ? '#dddddd' : '#f0f0f0'));
    if (t.label) out.push(text(px, M.top + PH + 20, t.label, { size: 12, anchor: 'middle' }));
    if (t.label) out.push(text(W - M.right + 8, yRate(t.value) + 4, t.label, { size: 12, fill: '#444' }));
  }
  for (const t of logTicks(latencyDomain)) {
    const py = yLat(t.value);
    out.push(line(M.left, py, M.left + PW, py, t.major ? '#dddddd' : '#f0f0f0'));
    if (t.label) out.push(text(M.left - 8, py + 4, `${t.label} ms`, { size: 12, anchor: 'end' }));
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#888"/>`);
  out.push(text(M.left + PW / 2, M.top + PH + 44, 'offered load (messages/s, log scale)', { size: 14, anchor: 'middle' }));
  out.push(text(24, M.top + PH / 2, 'latency send → partner receipt (ms, log)', { size: 14, anchor: 'middle', rotate: -90 }));
  out.push(text(W - 22, M.top + PH / 2, 'delivered (messages/s, log)', { size: 14, anchor: 'middle', rotate: 90 }));

  // Reference lines: everything delivered (diagonal on the right axis) and the latency target.
  out.push(`<line x1="${x(rateDomain[0])}" y1="${yRate(rateDomain[0])}" x2="${x(rateDomain[1])}" y2="${yRate(rateDomain[1])}" stroke="#bbbbbb" stroke-width="1.2" stroke-dasharray="1 3"/>`);
  if (options.latencyTargetMs) {
    const py = yLat(options.latencyTargetMs);
    out.push(`<line x1="${M.left}" y1="${py}" x2="${M.left + PW}" y2="${py}" stroke="#c0392b" stroke-width="1" stroke-dasharray="4 4" opacity="0.6"/>`);
    out.push(text(M.left + 6, py - 5, `p99 target ${options.latencyTargetMs} ms`, { size: 11, fill: '#c0392b' }));
  }

  // Series.
  series.forEach((s, i) => {
    const colour = COLOURS[s.label] ?? FALLBACK_COLOURS[i % FALLBACK_COLOURS.length]!;
    const points = [...s.points].sort((a, b) => a.offered - b.offered);
    const draw = (kind: keyof typeof STYLES, y: (p: (typeof points)[number]) => number) => {
      const style = STYLES[kind];
      const coords = points.map((p) => [x(p.offered), y(p)] as const);
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.2" ${style.dash ? `stroke-dasharray="${style.dash}"` : ''} points="${coords.map(([a, b]) => `${f(a)},${f(b)}`).join(' ')}"/>`);
      points.forEach((p, k) => out.push(marker(style.marker, coords[k]![0], coords[k]![1], colour, p.pass)));
    };
    draw('delivered', (p) => yRate(Math.max(p.delivered, rateDomain[0])));
    draw('p99', (p) => yLat(p.p99Ms));
    draw('p50', (p) => yLat(p.p50Ms));
  });

  // Legend: colours (engines) on the first row, styles (measures) on the second.
  const ly = H - 46;
  let lx = M.left;
  series.forEach((s, i) => {
    const colour = COLOURS[s.label] ?? FALLBACK_COLOURS[i % FALLBACK_COLOURS.length]!;
    const label = s.label === 'none' ? 'storage off (none)' : s.label;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="22" height="10" fill="${colour}"/>`);
    out.push(text(lx + 28, ly, label, { size: 13 }));
    // Room for the label at ~7.5 px a character (13 px sans-serif), at least the usual column.
    lx += Math.max(190, 28 + label.length * 7.5 + 24);
  });
  // The notes go on the first row when they fit there, else on a third row.
  const notesFit = lx + 380 <= W;
  const nx = notesFit ? lx : M.left;
  const ny = notesFit ? ly : ly + 42;
  out.push(text(nx, ny, 'hollow marker = step failed', { size: 12, fill: '#666' }));
  out.push(`<line x1="${nx + 200}" y1="${ny - 4}" x2="${nx + 234}" y2="${ny - 4}" stroke="#999" stroke-width="1.4" stroke-dasharray="1 3"/>`);
  out.push(text(nx + 240, ny, 'delivered = offered', { size: 12, fill: '#666' }));
  lx = M.left;
  for (const style of Object.values(STYLES)) {
    out.push(`<line x1="${lx}" y1="${ly + 21}" x2="${lx + 34}" y2="${ly + 21}" stroke="#333" stroke-width="2.2" ${style.dash ? `stroke-dasharray="${style.dash}"` : ''}/>`);
    out.push(marker(style.marker, lx + 17, ly + 21, '#333', true));
    out.push(text(lx + 42, ly + 25, style.name, { size: 13 }));
    lx += 270;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function emptyChart(options: ChartOptions): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} 120" width="${W}" height="120" font-family="sans-serif"><rect width="${W}" height="120" fill="#fff"/>${text(W / 2, 50, options.title, { size: 18, anchor: 'middle' })}${text(W / 2, 80, 'no completed steps', { size: 14, anchor: 'middle' })}</svg>\n`;
}

/** The tightest range of 1-2-5 values (…, 50, 100, 200, 500, …) around [min, max]. */
function logDomain(min: number, max: number): [number, number] {
  const steps = (v: number) => {
    const decade = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * decade);
  };
  const low = Math.max(min, 1e-3);
  const lo = steps(low).filter((v) => v <= low * 1.0001).pop() ?? low;
  const high = Math.max(max, lo * 2);
  const hi = steps(high).find((v) => v >= high * 0.9999) ?? high;
  return [lo, hi];
}

function scaleLog(value: number, [lo, hi]: [number, number]): number {
  return (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
}

/** 1-2-5 ticks inside the range; decades are major. */
function logTicks([lo, hi]: [number, number]): { value: number; label: string; major: boolean }[] {
  const ticks: { value: number; label: string; major: boolean }[] = [];
  const decades = Math.log10(hi / lo);
  for (let decade = 10 ** Math.floor(Math.log10(lo)); decade <= hi * 1.0001; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const value = decade * m;
      if (value < lo * 0.9999 || value > hi * 1.0001) continue;
      ticks.push({ value, major: m === 1, label: m === 1 || decades <= 4 ? shortNumber(value) : '' });
    }
  }
  return ticks;
}

function shortNumber(v: number): string {
  if (v >= 1_000_000) return `${trim(v / 1_000_000)}M`;
  if (v >= 1_000) return `${trim(v / 1_000)}k`;
  return trim(v);
}

function trim(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function f(v: number): string {
  return v.toFixed(1);
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x2)}" y2="${f(y2)}" stroke="${stroke}" stroke-width="1"/>`;
}

function marker(kind: 'circle' | 'square' | 'triangle', cx: number, cy: number, colour: string, filled: boolean): string {
  const fill = filled ? colour : '#ffffff';
  const common = `fill="${fill}" stroke="${colour}" stroke-width="1.8"`;
  if (kind === 'circle') return `<circle cx="${f(cx)}" cy="${f(cy)}" r="4.5" ${common}/>`;
  if (kind === 'square') return `<rect x="${f(cx - 4.5)}" y="${f(cy - 4.5)}" width="9" height="9" ${common}/>`;
  return `<polygon points="${f(cx)},${f(cy - 6)} ${f(cx - 5.5)},${f(cy + 4)} ${f(cx + 5.5)},${f(cy + 4)}" ${common}/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  o: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: string; fill?: string; rotate?: number },
): string {
  const transform = o.rotate ? ` transform="rotate(${o.rotate} ${f(x)} ${f(y)})"` : '';
  return `<text x="${f(x)}" y="${f(y)}" font-size="${o.size}" text-anchor="${o.anchor ?? 'start'}"${o.weight ? ` font-weight="${o.weight}"` : ''} fill="${o.fill ?? '#222'}"${transform}>${escapeXml(content)}</text>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The messages-per-hour chart: one bar per hour, drawn as SVG through DOM calls (no chart library, no
 * markup strings). Day boundaries get a date label; every bar has a tooltip with its hour and count.
 *
 * The SVG is drawn at the width it is shown at, one unit a CSS pixel, and drawn again when that width
 * changes: a fixed 840-unit drawing scaled down to a phone made its labels 5 px high. Every label is
 * whole inside the chart: a day starting near the right end has its label end there (drawn after its
 * tick, only "1" of "12-07" showed), and where days are too narrow for their labels some are left out,
 * the most recent kept.
 */
import { svgElement } from './dom.js';

export interface HourPoint {
  /** `YYYY-MM-DD HH:mm` in the configured zone. */
  hour: string;
  count: number;
}

const HEIGHT = 220;
const LEFT = 44;
const BOTTOM = 24;
const TOP = 10;
/** Drawn at this width while the chart is not laid out (a hidden view); drawn again once it is shown. */
const UNLAID_WIDTH = 840;
/** Space kept between two day labels, px. */
const LABEL_GAP = 8;
/** A label's width when it cannot be measured (not laid out): `.chart-label`'s 12 px, digits at most 0.65 em. */
const ESTIMATED_CHAR_PX = 8;

interface Drawn {
  points: readonly HourPoint[];
  label: string;
  width: number;
}

/** What each chart container shows, to draw it again at a new width. */
const drawn = new WeakMap<Element, Drawn>();

/** Redraws a chart whose width changed (the window resized, the view shown after being hidden). */
const resized = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const shown = drawn.get(target);
    if (shown && widthOf(target) !== shown.width) draw(target, shown);
  }
});

/** 0, 1, 2, 5, 10, 20, 50, …: a round top for the axis. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

export function renderHourlyChart(container: Element, points: readonly HourPoint[], label: string): void {
  if (!drawn.has(container)) resized.observe(container);
  const shown = { points, label, width: 0 };
  drawn.set(container, shown);
  draw(container, shown);
}

/** The container's width in whole CSS pixels; 0 while it is not laid out. */
function widthOf(container: Element): number {
  return Math.floor(container.getBoundingClientRect().width);
}

function draw(container: Element, shown: Drawn): void {
  const { points, label } = shown;
  shown.width = widthOf(container);
  const width = shown.width > LEFT * 2 ? shown.width : UNLAID_WIDTH;
  const max = niceCeiling(Math.max(0, ...points.map((p) => p.count)));
  const plotWidth = width - LEFT;
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const barWidth = plotWidth / Math.max(points.length, 1);
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart-svg' });
  // In the page before the labels are placed: they are measured.
  container.replaceChildren(svg);

  svg.append(axisLine(LEFT, TOP + plotHeight, width, TOP + plotHeight), axisLine(LEFT, TOP, LEFT, TOP + plotHeight));
  svg.append(axisText(String(max), LEFT - 6, TOP + 4, 'end'), axisText('0', LEFT - 6, TOP + plotHeight, 'end'));
  svg.append(axisLine(LEFT, TOP, width, TOP, 'chart-grid'));

  const days: { x: number; text: string }[] = [];
  points.forEach((point, i) => {
    const x = LEFT + i * barWidth;
    const height = (point.count / max) * plotHeight;
    const bar = svgElement('rect', {
      x: x + 0.5,
      y: TOP + plotHeight - height,
      width: Math.max(barWidth - 1, 1),
      height,
      class: 'chart-bar',
      'data-testid': 'chart-bar',
      'data-count': point.count,
    });
    const tooltip = svgElement('title', {});
    tooltip.textContent = `${point.hour} · ${point.count}`;
    bar.append(tooltip);
    svg.append(bar);
    if (point.hour.endsWith(' 00:00')) {
      svg.append(axisLine(x, TOP + plotHeight, x, TOP + plotHeight + 4));
      days.push({ x, text: point.hour.slice(5, 10) });
    }
  });
  dayLabels(svg, days, width);
}

/**
 * Each day's label just after its tick, or ending at the chart's right edge when it would run past it;
 * from the most recent day back, a label that would touch the one after it is left out.
 */
function dayLabels(svg: SVGSVGElement, days: readonly { x: number; text: string }[], width: number): void {
  let nextLeft = Number.POSITIVE_INFINITY;
  for (const day of [...days].reverse()) {
    const el = axisText(day.text, day.x + 2, HEIGHT - 6, 'start');
    svg.append(el);
    const measured = el.getComputedTextLength();
    const textWidth = measured > 0 ? measured : day.text.length * ESTIMATED_CHAR_PX;
    let left = day.x + 2;
    if (left + textWidth > width) {
      left = width - textWidth;
      el.setAttribute('x', String(width));
      el.setAttribute('text-anchor', 'end');
    }
    if (left + textWidth + LABEL_GAP > nextLeft || left < LEFT) el.remove();
    else nextLeft = left;
  }
}

function axisLine(x1: number, y1: number, x2: number, y2: number, className = 'chart-axis'): SVGLineElement {
  return svgElement('line', { x1, y1, x2, y2, class: className });
}

function axisText(text: string, x: number, y: number, anchor: 'start' | 'end'): SVGTextElement {
  const el = svgElement('text', { x, y, 'text-anchor': anchor, class: 'chart-label' });
  el.textContent = text;
  return el;
}

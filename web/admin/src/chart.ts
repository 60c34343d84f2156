/**
 * The messages-per-hour chart: one bar per hour, drawn as SVG through DOM calls (no chart library, no
 * markup strings). Day boundaries get a date label; every bar has a tooltip with its hour and count.
 */
import { svgElement } from './dom.js';

export interface HourPoint {
  /** `YYYY-MM-DD HH:mm` in the configured zone. */
  hour: string;
  count: number;
}

const WIDTH = 840;
const HEIGHT = 220;
const LEFT = 44;
const BOTTOM = 24;
const TOP = 10;

/** 0, 1, 2, 5, 10, 20, 50, …: a round top for the axis. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

export function renderHourlyChart(container: Element, points: readonly HourPoint[], label: string): void {
  const max = niceCeiling(Math.max(0, ...points.map((p) => p.count)));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const barWidth = plotWidth / Math.max(points.length, 1);
  const svg = svgElement('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart-svg' });

  svg.append(axisLine(LEFT, TOP + plotHeight, WIDTH, TOP + plotHeight), axisLine(LEFT, TOP, LEFT, TOP + plotHeight));
  svg.append(axisText(String(max), LEFT - 6, TOP + 4, 'end'), axisText('0', LEFT - 6, TOP + plotHeight, 'end'));
  svg.append(axisLine(LEFT, TOP, WIDTH, TOP, 'chart-grid'));

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
      svg.append(axisLine(x, TOP + plotHeight, x, TOP + plotHeight + 4), axisText(point.hour.slice(5, 10), x + 2, HEIGHT - 6, 'start'));
    }
  });
  container.replaceChildren(svg);
}

function axisLine(x1: number, y1: number, x2: number, y2: number, className = 'chart-axis'): SVGLineElement {
  return svgElement('line', { x1, y1, x2, y2, class: className });
}

function axisText(text: string, x: number, y: number, anchor: 'start' | 'end'): SVGTextElement {
  const el = svgElement('text', { x, y, 'text-anchor': anchor, class: 'chart-label' });
  el.textContent = text;
  return el;
}

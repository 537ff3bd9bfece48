// Charts drawn as SVG by our own code: grouped bars and lines, with axes, tick labels, a legend and
// a data table as the text alternative (screen readers read the table; the SVG is one labelled image).
//
//   barChart({title, labels, series: [{name, values}], format, yMax, labelHeader, tableLabel}) -> <figure>
//   lineChart({title, labels, series: [{name, values}], format, labelHeader, tableLabel})      -> <figure>
//
// `labels` name the categories (bars) or the periods (lines); each series has one value per label
// (null = no value: no bar, a gap in the line). `format(n)` prints a value (ticks, tooltips, table).
// Colours come from CSS custom properties (--chart-1 … --chart-8) so the stylesheet owns them; a
// legend names every series and the table repeats every number, so colour is never the only cue.
import { h as html, svg } from './dom.js';

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { top: 16, right: 16, bottom: 64, left: 56 };
let counter = 0;

const plain = (n) => String(n);

// Tick values from 0 to a rounded maximum: 1, 2 or 5 times a power of ten per step (whole steps
// when every value is whole: counts have no 0.2).
export function ticks(max, count = 5, whole = false) {
  if (!(max > 0)) return [0, 1];
  const raw = whole ? Math.max(1, max / count) : max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
  const top = Math.ceil(max / step - 1e-9) * step;
  const values = [];
  for (let v = 0; v <= top + step / 2; v += step) values.push(Number(v.toPrecision(12)));
  return values;
}

function colour(index) {
  return `var(--chart-${(index % 8) + 1})`;
}

function frame(title, kind) {
  counter += 1;
  const id = `chart-${counter}`;
  const figure = html('figure', { class: `chart chart-${kind}`, 'data-testid': `chart-${kind}` });
  const caption = html('figcaption', { id: `${id}-title` }, title);
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-labelledby': `${id}-title`,
    preserveAspectRatio: 'xMidYMid meet',
    class: 'chart',
  });
  root.append(svg('title', {}, title));
  figure.append(caption, root);
  return { figure, root, id };
}

function axes(root, labels, tickValues, format, y) {
  const plotBottom = HEIGHT - PAD.bottom;
  const group = svg('g', { class: 'chart-axes', 'aria-hidden': 'true' });
  for (const value of tickValues) {
    const at = y(value);
    group.append(
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: at, y2: at, class: 'chart-grid' }),
      svg('text', { x: PAD.left - 6, y: at + 4, 'text-anchor': 'end', class: 'chart-tick' }, format(value)),
    );
  }
  group.append(
    svg('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: plotBottom, class: 'chart-axis' }),
    svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: plotBottom, y2: plotBottom, class: 'chart-axis' }),
  );
  root.append(group);
  return group;
}

function xLabel(group, text, x) {
  const y = HEIGHT - PAD.bottom + 14;
  const short = text.length > 14 ? `${text.slice(0, 13)}…` : text;
  group.append(
    svg('text', { x, y, 'text-anchor': 'end', transform: `rotate(-35 ${x} ${y})`, class: 'chart-label' }, short),
  );
}

function legend(series) {
  const list = html('ul', { class: 'chart-legend', 'data-testid': 'chart-legend' });
  series.forEach((s, index) => {
    const swatch = html('span', { class: 'chart-swatch', 'aria-hidden': 'true' });
    swatch.style.background = colour(index);
    list.append(html('li', {}, swatch, s.name));
  });
  return list;
}

// The text alternative: every number of the chart in a table (labels as rows, series as columns).
function dataTable(title, labelHeader, labels, series, format, tableLabel) {
  const table = html('table', { class: 'chart-table', 'data-testid': 'chart-table' });
  table.append(html('caption', {}, title));
  const head = html('tr', {}, html('th', { scope: 'col' }, labelHeader));
  for (const s of series) head.append(html('th', { scope: 'col' }, s.name));
  table.append(html('thead', {}, head));
  const body = html('tbody');
  labels.forEach((label, row) => {
    const tr = html('tr', {}, html('th', { scope: 'row' }, label));
    for (const s of series) {
      const value = s.values[row];
      tr.append(html('td', {}, value === null || value === undefined ? '–' : format(value)));
    }
    body.append(tr);
  });
  table.append(body);
  // Open by default: a closed <details> hides the numbers from screen readers too.
  return html('details', { class: 'chart-data', open: '' }, html('summary', {}, tableLabel), table);
}

function allWhole(series) {
  return series.every((s) => s.values.every((v) => v === null || v === undefined || Number.isInteger(v)));
}

function maxOf(series, floor = 0) {
  let max = floor;
  for (const s of series) for (const v of s.values) if (typeof v === 'number' && v > max) max = v;
  return max;
}

/** Grouped bars: one group per label, one bar per series. Every bar carries data-value. */
export function barChart({ title, labels, series, format = plain, yMax, labelHeader = '', tableLabel = labelHeader }) {
  const { figure, root } = frame(title, 'bars');
  const tickValues = ticks(yMax ?? maxOf(series), 5, allWhole(series));
  const top = tickValues[tickValues.length - 1] || 1;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + plotHeight - (v / top) * plotHeight;
  const group = axes(root, labels, tickValues, format, y);
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(labels.length, 1);
  const barWidth = Math.min(40, Math.max(2, (slot * 0.8) / Math.max(series.length, 1)));
  const groupWidth = barWidth * series.length;
  const bars = svg('g', { class: 'chart-bars' });
  labels.forEach((label, i) => {
    const start = PAD.left + i * slot + (slot - groupWidth) / 2;
    series.forEach((s, j) => {
      const value = s.values[i];
      if (value === null || value === undefined) return;
      const rect = svg('rect', {
        x: start + j * barWidth,
        y: y(value),
        width: barWidth - 1,
        height: Math.max(0, y(0) - y(value)),
        fill: colour(j),
        class: 'chart-bar',
        'data-testid': 'chart-bar',
        'data-label': label,
        'data-series': s.name,
        'data-value': value,
      });
      rect.append(svg('title', {}, `${label} — ${s.name}: ${format(value)}`));
      bars.append(rect);
    });
    xLabel(group, label, start + groupWidth / 2 + 4);
  });
  root.append(bars);
  figure.append(legend(series), dataTable(title, labelHeader, labels, series, format, tableLabel));
  return figure;
}

/** Lines over periods: one polyline per series (a gap where a value is missing), a dot per value. */
export function lineChart({ title, labels, series, format = plain, labelHeader = '', tableLabel = labelHeader }) {
  const { figure, root } = frame(title, 'lines');
  const tickValues = ticks(maxOf(series), 5, allWhole(series));
  const top = tickValues[tickValues.length - 1] || 1;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + plotHeight - (v / top) * plotHeight;
  const group = axes(root, labels, tickValues, format, y);
  const span = WIDTH - PAD.left - PAD.right;
  const x = (i) => PAD.left + (labels.length > 1 ? (i / (labels.length - 1)) * span : span / 2);
  const every = Math.max(1, Math.ceil(labels.length / 12));
  labels.forEach((label, i) => {
    if (i % every === 0 || i === labels.length - 1) xLabel(group, label, x(i) + 4);
  });
  const lines = svg('g', { class: 'chart-lines' });
  series.forEach((s, j) => {
    let path = '';
    let pen = false;
    s.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
      pen = true;
      const dot = svg('circle', {
        cx: x(i), cy: y(value), r: 3, fill: colour(j), class: 'chart-dot',
        'data-testid': 'chart-dot', 'data-value': value,
      });
      dot.append(svg('title', {}, `${labels[i]} — ${s.name}: ${format(value)}`));
      lines.append(dot);
    });
    if (path) {
      lines.prepend(
        svg('path', { d: path.trim(), fill: 'none', stroke: colour(j), 'stroke-width': 2, class: 'chart-line', 'data-series': s.name }),
      );
    }
  });
  root.append(lines);
  figure.append(legend(series), dataTable(title, labelHeader, labels, series, format, tableLabel));
  return figure;
}

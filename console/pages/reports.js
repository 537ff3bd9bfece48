// Reports for managers and the business: volumes by a dimension (GET /reports/summary), a metric over
// time (/reports/trend), SLA compliance by team and step (/reports/sla) and CSAT — each drawn as a
// chart (js/charts.js, with its data table) and downloadable as the API's own CSV (Accept: text/csv).
import { h, clear } from '../js/dom.js';
import { addMessages, t, fmtDate, fmtNumber, lang } from '../js/i18n.js';
import { barChart, lineChart } from '../js/charts.js';

export const roles = ['manager', 'admin'];

const GROUPS = ['category', 'channel', 'region', 'product', 'unit', 'team', 'root_cause', 'step'];
const METRICS = [
  'opened', 'resolved', 'breached', 'escalated', 'reopened',
  'sla_compliance_pct', 'first_contact_resolution_pct', 'avg_first_response_hours',
  'avg_resolution_hours', 'csat_avg',
];
const INTERVALS = ['day', 'week', 'month'];
const CHANNELS = ['api', 'web', 'phone', 'store', 'social', 'email'];
const MAX_BARS = 12;
const MAX_LINES = 6;

addMessages({
  en: {
    'reports.title': 'Reports',
    'reports.range': 'Period and grouping',
    'reports.from': 'From',
    'reports.to': 'To',
    'reports.groupBy': 'Group by',
    'reports.metric': 'Trend metric',
    'reports.interval': 'Interval',
    'reports.show': 'Show',
    'reports.loading': 'Loading reports…',
    'reports.csv': 'Download CSV',
    'reports.csvDone': 'Downloaded {name}',
    'reports.empty': 'No data in this period.',
    'reports.summary': 'Volumes by {group}',
    'reports.trend': '{metric} per {interval}',
    'reports.sla': 'SLA compliance',
    'reports.slaByTeam': 'SLA compliance by team (%)',
    'reports.slaByStep': 'SLA compliance by step (%)',
    'reports.csat': 'Customer satisfaction by {group} (1–5)',
    'reports.table': 'Data table',
    'reports.total': 'Total',
    'reports.all': 'All',
    'reports.none': '(none)',
    'reports.group.category': 'Category',
    'reports.group.channel': 'Channel',
    'reports.group.region': 'Region',
    'reports.group.product': 'Product',
    'reports.group.unit': 'Unit',
    'reports.group.team': 'Team',
    'reports.group.root_cause': 'Root cause',
    'reports.group.step': 'Step',
    'reports.metric.opened': 'Opened',
    'reports.metric.resolved': 'Resolved',
    'reports.metric.breached': 'Breached',
    'reports.metric.escalated': 'Escalated',
    'reports.metric.reopened': 'Reopened',
    'reports.metric.sla_compliance_pct': 'SLA compliance (%)',
    'reports.metric.first_contact_resolution_pct': 'First-contact resolution (%)',
    'reports.metric.avg_first_response_hours': 'Average first response (hours)',
    'reports.metric.avg_resolution_hours': 'Average resolution (hours)',
    'reports.metric.csat_avg': 'CSAT average',
    'reports.metric.csat_count': 'Survey answers',
    'reports.metric.steps_completed': 'Steps completed',
    'reports.metric.steps_on_time': 'Steps on time',
    'reports.interval.day': 'day',
    'reports.interval.week': 'week',
    'reports.interval.month': 'month',
    'reports.channel.api': 'API',
    'reports.channel.web': 'Web form',
    'reports.channel.phone': 'Phone',
    'reports.channel.store': 'Store',
    'reports.channel.social': 'Social media',
    'reports.channel.email': 'E-mail',
  },
  tr: {
    'reports.title': 'Raporlar',
    'reports.range': 'Dönem ve gruplama',
    'reports.from': 'Başlangıç',
    'reports.to': 'Bitiş',
    'reports.groupBy': 'Gruplama',
    'reports.metric': 'Eğilim ölçüsü',
    'reports.interval': 'Aralık',
    'reports.show': 'Göster',
    'reports.loading': 'Raporlar yükleniyor…',
    'reports.csv': 'CSV indir',
    'reports.csvDone': '{name} indirildi',
    'reports.empty': 'Bu dönemde veri yok.',
    'reports.summary': '{group} bazında hacimler',
    'reports.trend': '{interval} bazında {metric}',
    'reports.sla': 'SLA uyumu',
    'reports.slaByTeam': 'Ekibe göre SLA uyumu (%)',
    'reports.slaByStep': 'Adıma göre SLA uyumu (%)',
    'reports.csat': '{group} bazında müşteri memnuniyeti (1–5)',
    'reports.table': 'Veri tablosu',
    'reports.total': 'Toplam',
    'reports.all': 'Tümü',
    'reports.none': '(yok)',
    'reports.group.category': 'Kategori',
    'reports.group.channel': 'Kanal',
    'reports.group.region': 'Bölge',
    'reports.group.product': 'Ürün',
    'reports.group.unit': 'Birim',
    'reports.group.team': 'Ekip',
    'reports.group.root_cause': 'Kök neden',
    'reports.group.step': 'Adım',
    'reports.metric.opened': 'Açılan',
    'reports.metric.resolved': 'Çözülen',
    'reports.metric.breached': 'Süresi aşılan',
    'reports.metric.escalated': 'Üst kademeye aktarılan',
    'reports.metric.reopened': 'Yeniden açılan',
    'reports.metric.sla_compliance_pct': 'SLA uyumu (%)',
    'reports.metric.first_contact_resolution_pct': 'İlk temasta çözüm (%)',
    'reports.metric.avg_first_response_hours': 'Ortalama ilk yanıt (saat)',
    'reports.metric.avg_resolution_hours': 'Ortalama çözüm (saat)',
    'reports.metric.csat_avg': 'Memnuniyet ortalaması',
    'reports.metric.csat_count': 'Anket yanıtları',
    'reports.metric.steps_completed': 'Tamamlanan adımlar',
    'reports.metric.steps_on_time': 'Zamanında tamamlanan adımlar',
    'reports.interval.day': 'gün',
    'reports.interval.week': 'hafta',
    'reports.interval.month': 'ay',
    'reports.channel.api': 'API',
    'reports.channel.web': 'Web formu',
    'reports.channel.phone': 'Telefon',
    'reports.channel.store': 'Mağaza',
    'reports.channel.social': 'Sosyal medya',
    'reports.channel.email': 'E-posta',
  },
  lv: {
    'reports.title': 'Pārskati',
    'reports.range': 'Periods un grupēšana',
    'reports.from': 'No',
    'reports.to': 'Līdz',
    'reports.groupBy': 'Grupēt pēc',
    'reports.metric': 'Tendences rādītājs',
    'reports.interval': 'Intervāls',
    'reports.show': 'Rādīt',
    'reports.loading': 'Ielādē pārskatus…',
    'reports.csv': 'Lejupielādēt CSV',
    'reports.csvDone': 'Lejupielādēts {name}',
    'reports.empty': 'Šajā periodā datu nav.',
    'reports.summary': 'Apjomi pēc: {group}',
    'reports.trend': '{metric} — katru {interval}',
    'reports.sla': 'SLA izpilde',
    'reports.slaByTeam': 'SLA izpilde pa komandām (%)',
    'reports.slaByStep': 'SLA izpilde pa soļiem (%)',
    'reports.csat': 'Klientu apmierinātība pēc: {group} (1–5)',
    'reports.table': 'Datu tabula',
    'reports.total': 'Kopā',
    'reports.all': 'Visi',
    'reports.none': '(nav)',
    'reports.group.category': 'Kategorija',
    'reports.group.channel': 'Kanāls',
    'reports.group.region': 'Reģions',
    'reports.group.product': 'Produkts',
    'reports.group.unit': 'Struktūrvienība',
    'reports.group.team': 'Komanda',
    'reports.group.root_cause': 'Pamatcēlonis',
    'reports.group.step': 'Solis',
    'reports.metric.opened': 'Atvērtās',
    'reports.metric.resolved': 'Atrisinātās',
    'reports.metric.breached': 'Nokavētās',
    'reports.metric.escalated': 'Eskalētās',
    'reports.metric.reopened': 'Atkārtoti atvērtās',
    'reports.metric.sla_compliance_pct': 'SLA izpilde (%)',
    'reports.metric.first_contact_resolution_pct': 'Atrisinātas pirmajā saskarē (%)',
    'reports.metric.avg_first_response_hours': 'Vidējā pirmā atbilde (stundas)',
    'reports.metric.avg_resolution_hours': 'Vidējais atrisināšanas laiks (stundas)',
    'reports.metric.csat_avg': 'Apmierinātības vidējais',
    'reports.metric.csat_count': 'Aptaujas atbildes',
    'reports.metric.steps_completed': 'Pabeigtie soļi',
    'reports.metric.steps_on_time': 'Laikā pabeigtie soļi',
    'reports.interval.day': 'dienu',
    'reports.interval.week': 'nedēļu',
    'reports.interval.month': 'mēnesi',
    'reports.channel.api': 'API',
    'reports.channel.web': 'Tīmekļa veidlapa',
    'reports.channel.phone': 'Tālrunis',
    'reports.channel.store': 'Veikals',
    'reports.channel.social': 'Sociālie mediji',
    'reports.channel.email': 'E-pasts',
  },
});

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

// The filters live in the hash's query (#/reports?from=…&to=…&group_by=…) so a report can be linked.
function readFilters(params) {
  const query = new Map(Object.entries(params || {}));
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 29 * 86400000);
  const pick = (name, allowed, fallback) => (allowed.includes(query.get(name)) ? query.get(name) : fallback);
  const day = (name, fallback) => (/^\d{4}-\d{2}-\d{2}$/.test(query.get(name) || '') ? query.get(name) : fallback);
  return {
    from: day('from', isoDay(monthAgo)),
    to: day('to', isoDay(today)),
    group_by: pick('group_by', GROUPS, 'category'),
    metric: pick('metric', METRICS, 'opened'),
    interval: pick('interval', INTERVALS, 'day'),
  };
}

function select(name, values, current, labelOf) {
  return h(
    'select',
    { id: `reports-${name}`, name, 'data-testid': `reports-${name}` },
    ...values.map((value) => h('option', { value, ...(value === current ? { selected: true } : {}) }, labelOf(value))),
  );
}

function labelled(id, text, control) {
  return h('div', { class: 'reports-control' }, h('label', { for: id }, text), control);
}

// What a value of a dimension is called in the UI: category names from the API, channels through t.
function namer(group, categories) {
  return (value) => {
    if (value === 'none' || value === '') return t('reports.none');
    if (value === 'all') return t('reports.all');
    if (group === 'category' && categories[value]) return categories[value][lang()] || categories[value].en || value;
    if (group === 'channel' && CHANNELS.includes(value)) return t(`reports.channel.${value}`);
    return value;
  };
}

function pct(n) {
  return `${fmtNumber(n)}%`;
}

async function download(ctx, path, query, name) {
  const text = await ctx.api(path, { query, accept: 'text/csv' });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  ctx.toast(t('reports.csvDone', { name }), 'success');
}

function csvButton(ctx, report, path, query) {
  const name = `${report}-${query.from}-${query.to}.csv`;
  return h(
    'button',
    {
      type: 'button', class: 'secondary', 'data-testid': `reports-csv-${report}`,
      'on:click': () => download(ctx, path, query, name).catch((error) => ctx.toast(error.message, 'error')),
    },
    t('reports.csv'),
  );
}

function section(id, title, ...children) {
  return h(
    'section',
    { class: 'reports-section card', 'aria-labelledby': `reports-${id}-title`, 'data-testid': `reports-${id}` },
    h('h2', { id: `reports-${id}-title` }, title),
    ...children,
  );
}

function empty() {
  return h('p', { class: 'muted', 'data-testid': 'reports-empty' }, t('reports.empty'));
}

function summarySection(ctx, report, filters, name) {
  const group = t(`reports.group.${filters.group_by}`);
  const rows = report.rows.slice(0, MAX_BARS);
  const range = { from: filters.from, to: filters.to, group_by: filters.group_by };
  const chart = rows.length
    ? barChart({
      title: t('reports.summary', { group }),
      labels: rows.map((r) => name(r.value)),
      series: ['opened', 'resolved', 'breached'].map((m) => ({
        name: t(`reports.metric.${m}`), values: rows.map((r) => r[m]),
      })),
      format: fmtNumber,
      labelHeader: group,
      tableLabel: t('reports.table'),
    })
    : empty();
  const rates = ['first_contact_resolution_pct', 'avg_first_response_hours', 'avg_resolution_hours', 'sla_compliance_pct'];
  const header = h('tr', {}, h('th', { scope: 'col' }, group), ...rates.map((m) => h('th', { scope: 'col' }, t(`reports.metric.${m}`))));
  const line = (r, label) => h(
    'tr', {}, h('th', { scope: 'row' }, label),
    ...rates.map((m) => h('td', {}, r[m] === null || r[m] === undefined ? '–' : fmtNumber(r[m]))),
  );
  const table = h(
    'table', { class: 'data-table', 'data-testid': 'reports-rates' },
    h('thead', {}, header),
    h('tbody', {}, ...report.rows.map((r) => line(r, name(r.value))), line(report.total, t('reports.total'))),
  );
  return section('summary', t('reports.summary', { group }), csvButton(ctx, 'summary', '/reports/summary', range), chart, table);
}

function trendSection(ctx, report, filters, name) {
  const metric = t(`reports.metric.${filters.metric}`);
  const title = t('reports.trend', { metric, interval: t(`reports.interval.${filters.interval}`) });
  const query = { from: filters.from, to: filters.to, group_by: filters.group_by, metric: filters.metric, interval: filters.interval };
  // The largest series first, so the few lines drawn are the ones that matter.
  const total = (s) => s.values.reduce((sum, v) => sum + (v || 0), 0);
  const series = [...report.series].sort((a, b) => total(b) - total(a)).slice(0, MAX_LINES);
  const labels = report.periods.map((p) => (p.length === 7 ? p : fmtDate(p)));
  const chart = series.length
    ? lineChart({
      title,
      labels,
      series: series.map((s) => ({ name: name(s.key), values: s.values })),
      format: fmtNumber,
      labelHeader: t(`reports.interval.${filters.interval}`),
      tableLabel: t('reports.table'),
    })
    : empty();
  return section('trend', title, csvButton(ctx, 'trend', '/reports/trend', query), chart);
}

function slaSection(ctx, report, filters, teamName, stepName) {
  const chart = (rows, title, label, nameOf, group) => (rows.length
    ? barChart({
      title,
      labels: rows.map((r) => nameOf(r.value)),
      series: [{ name: t('reports.metric.sla_compliance_pct'), values: rows.map((r) => r.sla_compliance_pct) }],
      format: pct,
      yMax: 100,
      labelHeader: label,
      tableLabel: t('reports.table'),
    })
    : empty());
  return section(
    'sla', t('reports.sla'),
    csvButton(ctx, 'sla', '/reports/sla', { from: filters.from, to: filters.to }),
    chart(report.by_team, t('reports.slaByTeam'), t('reports.group.team'), teamName),
    chart(report.by_step, t('reports.slaByStep'), t('reports.group.step'), stepName),
  );
}

function csatSection(report, filters, name) {
  const group = t(`reports.group.${filters.group_by}`);
  const rows = report.rows.filter((r) => r.csat_count > 0).slice(0, MAX_BARS);
  const title = t('reports.csat', { group });
  const chart = rows.length
    ? barChart({
      title,
      labels: rows.map((r) => name(r.value)),
      series: [{ name: t('reports.metric.csat_avg'), values: rows.map((r) => r.csat_avg) }],
      format: fmtNumber,
      yMax: 5,
      labelHeader: group,
      tableLabel: t('reports.table'),
    })
    : empty();
  return section('csat', title, chart);
}

async function categoryNames(ctx) {
  try {
    const { categories } = await ctx.api('/categories');
    return Object.fromEntries(categories.map((c) => [c.category_id, c.names]));
  } catch {
    return {};
  }
}

export async function render(root, params, ctx) {
  const filters = readFilters(params);
  clear(root);
  const form = h(
    'form',
    {
      class: 'reports-filters card', 'data-testid': 'reports-filters', 'aria-label': t('reports.range'),
      'on:submit': (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        const query = new URLSearchParams();
        for (const key of ['from', 'to', 'group_by', 'metric', 'interval']) query.set(key, data.get(key));
        ctx.navigate(`#/reports?${query}`);
      },
    },
    labelled('reports-from', t('reports.from'), h('input', { type: 'date', id: 'reports-from', name: 'from', value: filters.from, required: '', 'data-testid': 'reports-from' })),
    labelled('reports-to', t('reports.to'), h('input', { type: 'date', id: 'reports-to', name: 'to', value: filters.to, required: '', 'data-testid': 'reports-to' })),
    labelled('reports-group_by', t('reports.groupBy'), select('group_by', GROUPS, filters.group_by, (g) => t(`reports.group.${g}`))),
    labelled('reports-metric', t('reports.metric'), select('metric', METRICS, filters.metric, (m) => t(`reports.metric.${m}`))),
    labelled('reports-interval', t('reports.interval'), select('interval', INTERVALS, filters.interval, (i) => t(`reports.interval.${i}`))),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'reports-show' }, t('reports.show')),
  );
  const body = h('div', { class: 'reports-body', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('reports.loading')));
  root.append(h('h1', {}, t('reports.title')), form, body);

  const range = { from: filters.from, to: filters.to };
  const [summary, trend, sla, categories] = await Promise.all([
    ctx.api('/reports/summary', { query: { ...range, group_by: filters.group_by } }),
    ctx.api('/reports/trend', { query: { ...range, group_by: filters.group_by, metric: filters.metric, interval: filters.interval } }),
    ctx.api('/reports/sla', { query: range }),
    categoryNames(ctx),
  ]);
  const name = namer(filters.group_by, categories);
  clear(body);
  body.append(
    summarySection(ctx, summary, filters, name),
    trendSection(ctx, trend, filters, name),
    slaSection(ctx, sla, filters, namer('team', categories), namer('step', categories)),
    csatSection(summary, filters, name),
  );
  body.setAttribute('data-ready', 'true');
}

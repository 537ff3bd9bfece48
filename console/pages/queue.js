// The agent's queue: my team's open steps, soonest due first, breached and at-risk marked with an
// icon and words (never colour alone); filters, text search, assignee, "more" pages; "Take" per row.
import { h, clear } from '../js/dom.js';
import { addMessages, fmtDateTime } from '../js/i18n.js';
import { dueBadge, takeTicket, showError, categoryName, teamName, loadCategories, isMember, assigneeOf } from './ticket.js';

export const roles = ['agent', 'manager', 'admin'];

addMessages({
  en: {
    'queue.title': 'Queue',
    'queue.filters': 'Filters',
    'queue.search': 'Search',
    'queue.searchHint': 'Subject, description, customer name, e-mail or phone',
    'queue.status': 'Status',
    'queue.category': 'Category',
    'queue.team': 'Team',
    'queue.channel': 'Channel',
    'queue.priority': 'Priority',
    'queue.assignee': 'Assignee',
    'queue.any': 'Any',
    'queue.assignee.anyone': 'Anyone',
    'queue.assignee.me': 'Me',
    'queue.assignee.none': 'Nobody',
    'queue.apply': 'Apply',
    'queue.reset': 'Reset',
    'queue.more': 'More',
    'queue.empty': 'No tickets match.',
    'queue.col.due': 'Due',
    'queue.col.ticket': 'Ticket',
    'queue.col.subject': 'Subject',
    'queue.col.category': 'Category',
    'queue.col.team': 'Team',
    'queue.col.assignee': 'Assignee',
    'queue.col.priority': 'Priority',
    'queue.col.status': 'Status',
    'queue.col.action': 'Action',
    'queue.take': 'Take',
    'queue.takeTicket': 'Take ticket {id}',
    'queue.taken': 'You have ticket {id} now.',
    'queue.shown': '{count} shown',
  },
  tr: {
    'queue.title': 'İş kuyruğu',
    'queue.filters': 'Süzgeçler',
    'queue.search': 'Ara',
    'queue.searchHint': 'Konu, açıklama, müşteri adı, e-posta ya da telefon',
    'queue.status': 'Durum',
    'queue.category': 'Kategori',
    'queue.team': 'Ekip',
    'queue.channel': 'Kanal',
    'queue.priority': 'Öncelik',
    'queue.assignee': 'Üstlenen',
    'queue.any': 'Hepsi',
    'queue.assignee.anyone': 'Herkes',
    'queue.assignee.me': 'Ben',
    'queue.assignee.none': 'Kimse',
    'queue.apply': 'Uygula',
    'queue.reset': 'Sıfırla',
    'queue.more': 'Daha fazla',
    'queue.empty': 'Eşleşen şikâyet yok.',
    'queue.col.due': 'Son tarih',
    'queue.col.ticket': 'Kayıt',
    'queue.col.subject': 'Konu',
    'queue.col.category': 'Kategori',
    'queue.col.team': 'Ekip',
    'queue.col.assignee': 'Üstlenen',
    'queue.col.priority': 'Öncelik',
    'queue.col.status': 'Durum',
    'queue.col.action': 'İşlem',
    'queue.take': 'Üstlen',
    'queue.takeTicket': '{id} kaydını üstlen',
    'queue.taken': '{id} kaydı artık sizde.',
    'queue.shown': '{count} kayıt gösteriliyor',
  },
  lv: {
    'queue.title': 'Rinda',
    'queue.filters': 'Filtri',
    'queue.search': 'Meklēt',
    'queue.searchHint': 'Temats, apraksts, klienta vārds, e-pasts vai tālrunis',
    'queue.status': 'Statuss',
    'queue.category': 'Kategorija',
    'queue.team': 'Komanda',
    'queue.channel': 'Kanāls',
    'queue.priority': 'Prioritāte',
    'queue.assignee': 'Atbildīgais',
    'queue.any': 'Visi',
    'queue.assignee.anyone': 'Jebkurš',
    'queue.assignee.me': 'Es',
    'queue.assignee.none': 'Neviens',
    'queue.apply': 'Lietot',
    'queue.reset': 'Notīrīt',
    'queue.more': 'Vairāk',
    'queue.empty': 'Nav atbilstošu sūdzību.',
    'queue.col.due': 'Termiņš',
    'queue.col.ticket': 'Pieteikums',
    'queue.col.subject': 'Temats',
    'queue.col.category': 'Kategorija',
    'queue.col.team': 'Komanda',
    'queue.col.assignee': 'Atbildīgais',
    'queue.col.priority': 'Prioritāte',
    'queue.col.status': 'Statuss',
    'queue.col.action': 'Darbība',
    'queue.take': 'Paņemt',
    'queue.takeTicket': 'Paņemt pieteikumu {id}',
    'queue.taken': 'Pieteikums {id} tagad ir jūsu.',
    'queue.shown': 'Parādīti: {count}',
  },
});

export const STATUSES = ['open', 'waiting_customer', 'resolved', 'closed'];
export const CHANNELS = ['api', 'web', 'phone', 'store', 'social', 'email'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const FILTERS = ['status', 'category', 'team', 'channel', 'priority', 'assignee', 'q'];
const KEPT = 'complaintdesk.queue.filters';

function initialFilters(user, params, myTeam) {
  const defaults = { status: 'open', team: myTeam || '', assignee: '', category: '', channel: '', priority: '', q: '' };
  // A link may carry filters ('#/queue?team=billing&assignee=none'): they win over the kept ones.
  if (FILTERS.some((key) => key in params)) return { ...defaults, ...Object.fromEntries(FILTERS.filter((k) => k in params).map((k) => [k, params[k]])) };
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
    if (kept && kept.owner === user.email) return kept.filters;
  } catch {
    /* a damaged entry: start again */
  }
  return defaults;
}

function select(testid, label, value, options) {
  return h(
    'select',
    { 'data-testid': testid, name: testid, 'aria-label': label },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
}

export async function render(root, params, ctx) {
  const { api, t, user } = ctx;
  const [categories, teams] = await loadCategories(api);
  // My team's queue by default: the team the token names, else the first team I am a member of.
  const me = (user.email || '').toLowerCase();
  const myTeam = user.team || (teams.find((team) => isMember(team, me)) || {}).id;
  const filters = initialFilters(user, params || {}, myTeam);
  clear(root);

  const any = ['', t('queue.any')];
  const controls = {
    status: select('queue-status', t('queue.status'), filters.status, [any, ...STATUSES.map((s) => [s, t(`ticket.status.${s}`)])]),
    category: select('queue-category', t('queue.category'), filters.category, [
      any,
      ...categories.map((c) => [c.category_id, categoryName(c)]),
    ]),
    team: select('queue-team', t('queue.team'), filters.team, [any, ...teams.map((team) => [team.id, teamName(team)])]),
    channel: select('queue-channel', t('queue.channel'), filters.channel, [any, ...CHANNELS.map((c) => [c, t(`ticket.channel.${c}`)])]),
    priority: select('queue-priority', t('queue.priority'), filters.priority, [
      any,
      ...PRIORITIES.map((p) => [p, t(`ticket.priority.${p}`)]),
    ]),
    assignee: select('queue-assignee', t('queue.assignee'), filters.assignee, [
      ['', t('queue.assignee.anyone')],
      ['me', t('queue.assignee.me')],
      ['none', t('queue.assignee.none')],
    ]),
    q: h('input', { type: 'search', 'data-testid': 'queue-search', name: 'q', value: filters.q, placeholder: t('queue.searchHint') }),
  };
  const labelled = (key, control) => h('label', { class: 'queue-filter' }, h('span', {}, t(`queue.${key === 'q' ? 'search' : key}`)), control);
  const message = h('p', { class: 'form-error action-message', role: 'alert', 'data-testid': 'queue-error' });
  const count = h('p', { class: 'queue-count', 'aria-live': 'polite', 'data-testid': 'queue-count' });
  const body = h('tbody', { 'data-testid': 'queue-rows' });
  const more = h('button', { type: 'button', 'data-testid': 'queue-more', hidden: true }, t('queue.more'));
  let cursor = null;

  const form = h(
    'form',
    { class: 'queue-filters', 'data-testid': 'queue-filters', role: 'search', 'aria-label': t('queue.filters') },
    labelled('q', controls.q),
    ...['status', 'category', 'team', 'channel', 'priority', 'assignee'].map((k) => labelled(k, controls[k])),
    h('div', { class: 'queue-buttons' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'queue-apply' }, t('queue.apply')),
      h('button', { type: 'button', 'data-testid': 'queue-reset', 'on:click': () => {
        sessionStorage.removeItem(KEPT);
        render(root, params, ctx);
      } }, t('queue.reset')),
    ),
  );

  // Whom the API lets take a ticket: a member of its owner team, while it is open or waiting.
  const memberOf = new Set(teams.filter((team) => isMember(team, me)).map((team) => team.id));
  function row(ticket) {
    const mayTake = assigneeOf(ticket) !== me && ['open', 'waiting_customer'].includes(ticket.status) && memberOf.has(ticket.owner_team);
    const take = !mayTake
      ? h('span', {})
      : h('button', {
          type: 'button',
          class: 'small',
          'data-testid': `queue-take-${ticket.ticket_id}`,
          'aria-label': t('queue.takeTicket', { id: ticket.ticket_id }),
          'on:click': async (event) => {
            event.currentTarget.disabled = true;
            try {
              const taken = await takeTicket(api, ticket);
              ctx.toast(t('queue.taken', { id: ticket.ticket_id }), 'success');
              tr.replaceWith(row({ ...ticket, ...taken }));
            } catch (error) {
              showError(ctx, error, message);
              event.currentTarget.disabled = false;
            }
          },
        }, t('queue.take'));
    const tr = h(
      'tr',
      { 'data-testid': `queue-row-${ticket.ticket_id}`, class: ticket.breached ? 'is-breached' : ticket.at_risk ? 'is-at-risk' : '' },
      h('td', {}, dueBadge(t, ticket), ticket.due_at ? h('span', { class: 'due-time' }, fmtDateTime(ticket.due_at)) : ''),
      h('td', {}, h('a', { href: `#/tickets/${ticket.ticket_id}`, 'data-testid': `queue-link-${ticket.ticket_id}` }, ticket.ticket_id)),
      h('td', {}, ticket.subject),
      h('td', {}, categoryName(categories.find((c) => c.category_id === ticket.category)) || ticket.category || '—'),
      h('td', {}, teamName(teams.find((x) => x.id === ticket.owner_team)) || ticket.owner_team || '—'),
      h('td', { 'data-testid': `queue-assignee-${ticket.ticket_id}` }, ticket.assignee || '—'),
      h('td', {}, t(`ticket.priority.${ticket.priority}`)),
      h('td', {}, t(`ticket.status.${ticket.status}`)),
      h('td', {}, take),
    );
    return tr;
  }

  let shown = 0;
  let generation = 0; // only the newest request draws (filters applied again before an answer came)
  async function load(append) {
    const mine = ++generation;
    message.textContent = '';
    const query = { limit: 25 };
    for (const key of FILTERS) if (filters[key]) query[key] = filters[key];
    if (append && cursor) query.cursor = cursor;
    try {
      const page = await api('/tickets', { query });
      if (mine !== generation) return;
      if (!append) {
        clear(body);
        shown = 0;
      }
      for (const ticket of page.tickets) body.append(row(ticket));
      shown += page.tickets.length;
      if (!shown) body.append(h('tr', {}, h('td', { colspan: '9', class: 'empty' }, t('queue.empty'))));
      count.textContent = t('queue.shown', { count: shown });
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      if (mine === generation) showError(ctx, error, message, form);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const key of FILTERS) filters[key] = controls[key].value.trim();
    sessionStorage.setItem(KEPT, JSON.stringify({ owner: user.email, filters }));
    load(false);
  });
  more.addEventListener('click', () => load(true));

  root.append(
    h('h1', {}, t('queue.title')),
    form,
    message,
    count,
    h('div', { class: 'table-scroll' },
      h('table', { class: 'queue', 'data-testid': 'queue-table' },
        h('thead', {}, h('tr', {}, ...['due', 'ticket', 'subject', 'category', 'team', 'assignee', 'priority', 'status', 'action'].map((c) => h('th', { scope: 'col' }, t(`queue.col.${c}`))))),
        body,
      ),
    ),
    more,
  );
  await load(false);
}

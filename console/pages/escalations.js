// The escalations the signed-in manager received, newest first, with level and due time.
import { h, clear } from '../js/dom.js';
import { addMessages, fmtDateTime } from '../js/i18n.js';
import { dueBadge, loadCategories, localName, showError, teamName } from './ticket.js';

export const roles = ['manager', 'admin'];

addMessages({
  en: {
    'escalations.title': 'Escalations to me',
    'escalations.empty': 'Nothing has been escalated to you.',
    'escalations.more': 'More',
    'escalations.moreExist': 'More escalations exist than shown.',
    'escalations.truncated': 'A team has more open steps than one look reads: escalations among the rest are not listed.',
    'escalations.col.at': 'Escalated',
    'escalations.col.ticket': 'Ticket',
    'escalations.col.subject': 'Subject',
    'escalations.col.step': 'Step',
    'escalations.col.team': 'Team',
    'escalations.col.level': 'Level',
    'escalations.col.due': 'Due',
    'escalations.level': 'Level {level}',
  },
  tr: {
    'escalations.title': 'Bana iletilen üst kademe kayıtları',
    'escalations.empty': 'Size iletilen bir kayıt yok.',
    'escalations.more': 'Daha fazla',
    'escalations.moreExist': 'Gösterilenden daha çok iletilen kayıt var.',
    'escalations.truncated': 'Bir ekibin bir bakışta okunandan daha çok açık adımı var: geri kalanlar arasındaki iletilen kayıtlar listede yok.',
    'escalations.col.at': 'İletildi',
    'escalations.col.ticket': 'Kayıt',
    'escalations.col.subject': 'Konu',
    'escalations.col.step': 'Adım',
    'escalations.col.team': 'Ekip',
    'escalations.col.level': 'Kademe',
    'escalations.col.due': 'Son tarih',
    'escalations.level': '{level}. kademe',
  },
  lv: {
    'escalations.title': 'Man eskalētie pieteikumi',
    'escalations.empty': 'Jums nekas nav eskalēts.',
    'escalations.more': 'Vairāk',
    'escalations.moreExist': 'Ir vairāk eskalāciju, nekā parādīts.',
    'escalations.truncated': 'Kādai komandai ir vairāk atvērtu soļu, nekā vienā reizē nolasa: eskalācijas starp pārējiem nav sarakstā.',
    'escalations.col.at': 'Eskalēts',
    'escalations.col.ticket': 'Pieteikums',
    'escalations.col.subject': 'Temats',
    'escalations.col.step': 'Solis',
    'escalations.col.team': 'Komanda',
    'escalations.col.level': 'Līmenis',
    'escalations.col.due': 'Termiņš',
    'escalations.level': '{level}. līmenis',
  },
});

export async function render(root, params, ctx) {
  const { api, t } = ctx;
  const [, teams] = await loadCategories(api);
  clear(root);
  const message = h('p', { class: 'form-error action-message', role: 'alert', 'data-testid': 'escalations-error' });
  const body = h('tbody', { 'data-testid': 'escalations-rows' });
  const more = h('button', { type: 'button', 'data-testid': 'escalations-more' }, t('escalations.more'));
  // More rows than one page (the API's limit, or ?limit= in the address): said, with the way to them.
  const moreBox = h('p', { class: 'list-more', 'data-testid': 'escalations-cut', role: 'status', hidden: true }, t('escalations.moreExist'), ' ', more);
  // A team's queue read only in part: said, since those escalations cannot be listed from here.
  const truncated = h('p', { class: 'form-error', 'data-testid': 'escalations-truncated', role: 'status', hidden: true }, t('escalations.truncated'));
  const size = /^\d+$/.test(params.limit || '') ? { limit: params.limit } : {};
  const columns = ['at', 'ticket', 'subject', 'step', 'team', 'level', 'due'];
  root.append(
    h('h1', {}, t('escalations.title')),
    message,
    truncated,
    h('div', { class: 'table-scroll' },
      h('table', { class: 'escalations', 'data-testid': 'escalations-table' },
        h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, t(`escalations.col.${c}`))))),
        body)),
    moreBox,
  );
  let cursor = null;
  let shown = 0;
  async function load() {
    try {
      const page = await api('/escalations', { query: { manager: 'me', ...size, ...(cursor ? { cursor } : {}) } });
      if (page.truncated) truncated.hidden = false;
      // Step names in the user's language as the plan version the ticket runs names them.
      const stepName = (e) => localName(e.step_names || {}, e.step_title || e.current_step || '—');
      for (const e of page.escalations || []) {
        const team = teams.find((x) => x.id === e.owner_team);
        body.append(h('tr', { 'data-testid': `escalation-${e.ticket_id}` },
          h('td', {}, e.escalated_at ? fmtDateTime(e.escalated_at) : '—'),
          h('td', {}, h('a', { href: `#/tickets/${e.ticket_id}` }, e.ticket_id)),
          h('td', {}, e.subject || ''),
          h('td', {}, stepName(e)),
          h('td', {}, team ? teamName(team) : e.owner_team || '—'),
          h('td', {}, t('escalations.level', { level: e.level }), e.label ? h('span', { class: 'due-time' }, localName(e.label_names, e.label)) : ''),
          h('td', {}, dueBadge(t, e), ' ', e.due_at ? fmtDateTime(e.due_at) : '')));
        shown += 1;
      }
      cursor = page.next_cursor || null;
      moreBox.hidden = !cursor;
      if (!shown) body.append(h('tr', {}, h('td', { colspan: String(columns.length), class: 'empty' }, t('escalations.empty'))));
    } catch (error) {
      showError(ctx, error, message);
    }
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    await load();
    more.disabled = false;
  });
  await load();
}

// The team board: a team's open steps counted open / at risk / breached, per person and unassigned,
// oldest due first; a manager reassigns from here.
import { h, clear } from '../js/dom.js';
import { addMessages, fmtDateTime, fmtNumber } from '../js/i18n.js';
import { assignTicket, assigneeOf, isMember, memberEmail, dueBadge, labelled, loadCategories, showError, teamName } from './ticket.js';

// The contract's roles: the board is for managers and admins (the API also lets a team's members read it).
export const roles = ['manager', 'admin'];

const MANAGERS = ['manager', 'admin'];

addMessages({
  en: {
    'board.title': 'Team board',
    'board.team': 'Team',
    'board.show': 'Show',
    'board.open': 'Open',
    'board.atRisk': 'At risk',
    'board.breached': 'Breached',
    'board.unassigned': 'Unassigned',
    'board.person': 'Person',
    'board.tickets': 'Tickets',
    'board.totals': 'The whole team',
    'board.empty': 'No open steps.',
    'board.noTeam': 'You are in no team; pick one.',
    'board.reassign': 'Reassign {id} to',
    'board.reassignDo': 'Reassign',
    'board.reassigned': 'Ticket {id} given to {person}.',
    'board.nobody': 'Back to the team',
    'board.more': 'The team has more open steps than shown here; the counts are of the steps shown.',
    'board.loadMore': 'Show more steps',
  },
  tr: {
    'board.title': 'Ekip panosu',
    'board.team': 'Ekip',
    'board.show': 'Göster',
    'board.open': 'Açık',
    'board.atRisk': 'Süre dolmak üzere',
    'board.breached': 'Süre aşıldı',
    'board.unassigned': 'Kimseye verilmemiş',
    'board.person': 'Kişi',
    'board.tickets': 'Kayıtlar',
    'board.totals': 'Bütün ekip',
    'board.empty': 'Açık adım yok.',
    'board.noTeam': 'Bir ekipte değilsiniz; birini seçin.',
    'board.reassign': '{id} kaydını şuna ver',
    'board.reassignDo': 'Başkasına ver',
    'board.reassigned': '{id} kaydı {person} kişisine verildi.',
    'board.nobody': 'Ekibe geri ver',
    'board.more': 'Ekibin burada gösterilenden daha çok açık adımı var; sayılar gösterilen adımlarındır.',
    'board.loadMore': 'Daha fazla adım göster',
  },
  lv: {
    'board.title': 'Komandas tāfele',
    'board.team': 'Komanda',
    'board.show': 'Rādīt',
    'board.open': 'Atvērti',
    'board.atRisk': 'Termiņš tuvojas',
    'board.breached': 'Termiņš nokavēts',
    'board.unassigned': 'Nav piešķirti',
    'board.person': 'Darbinieks',
    'board.tickets': 'Pieteikumi',
    'board.totals': 'Visa komanda',
    'board.empty': 'Nav atvērtu soļu.',
    'board.noTeam': 'Jūs neesat nevienā komandā; izvēlieties kādu.',
    'board.reassign': 'Nodot {id}',
    'board.reassignDo': 'Nodot citam',
    'board.reassigned': 'Pieteikums {id} nodots: {person}.',
    'board.nobody': 'Atdot komandai',
    'board.more': 'Komandai ir vairāk atvērtu soļu, nekā šeit redzams; skaitļi attiecas uz redzamajiem soļiem.',
    'board.loadMore': 'Rādīt vairāk soļu',
  },
});

const KEPT = 'complaintdesk.board.team';

function counts(t, c, testid) {
  return h('p', { class: 'board-counts', 'data-testid': testid },
    h('span', { class: 'count' }, `${t('board.open')}: ${fmtNumber(c.open || 0)}`), ' · ',
    h('span', { class: 'count due-at-risk' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), `${t('board.atRisk')}: ${fmtNumber(c.at_risk || 0)}`), ' · ',
    h('span', { class: 'count due-breached' }, h('span', { 'aria-hidden': 'true' }, '✖ '), `${t('board.breached')}: ${fmtNumber(c.breached || 0)}`));
}

// The counts of two board pages of one team, added up (the oldest due time is the earlier one).
function added(a = {}, b = {}) {
  const sum = { ...a };
  for (const key of ['open', 'at_risk', 'breached', 'waiting_customer']) sum[key] = (a[key] || 0) + (b[key] || 0);
  const dues = [a.oldest_due_at, b.oldest_due_at].filter(Boolean).sort();
  sum.oldest_due_at = dues[0] || null;
  return sum;
}

/** A board with the next page of the same team's steps (GET .../board?cursor=) joined to it. */
function joined(board, next) {
  const people = new Map((board.people || []).map((p) => [p.assignee, { ...p }]));
  for (const p of next.people || []) {
    const had = people.get(p.assignee);
    people.set(p.assignee, had ? { ...added(had, p), assignee: p.assignee, member: had.member || p.member } : { ...p });
  }
  return {
    ...next,
    totals: added(board.totals, next.totals),
    unassigned: added(board.unassigned, next.unassigned),
    people: [...people.values()],
    tickets: [...(board.tickets || []), ...(next.tickets || [])],
  };
}

export async function render(root, params, ctx) {
  const { api, t, user } = ctx;
  const [, teams] = await loadCategories(api);
  const me = (user.email || '').toLowerCase();
  const mine = teams.filter((team) => isMember(team, me));
  const visible = MANAGERS.some((r) => user.roles.has(r)) ? teams : mine;
  const chosen = params.team || sessionStorage.getItem(KEPT) || (mine[0] && mine[0].id) || user.team || (visible[0] && visible[0].id) || '';
  const manage = MANAGERS.some((r) => user.roles.has(r));

  clear(root);
  const picker = h('select', { 'data-testid': 'board-team' }, ...visible.map((team) => h('option', { value: team.id }, teamName(team))));
  picker.value = chosen;
  const message = h('p', { class: 'form-error action-message', role: 'alert', 'data-testid': 'board-error' });
  const content = h('div', { class: 'board', 'data-testid': 'board' });
  const form = h('form', { class: 'board-picker' }, labelled(t('board.team'), picker, 'team'), h('button', { type: 'submit', 'data-testid': 'board-show' }, t('board.show')));
  root.append(h('h1', {}, t('board.title')), form, message, content);

  // Only the newest request draws (Show pressed while the first board is still on its way).
  let generation = 0;
  // A cut board (the API reads so many steps at a time, ?limit= in the address to choose fewer)
  // says so, and "show more" joins the next page to what is shown.
  const size = /^\d+$/.test(params.limit || '') ? { limit: params.limit } : {};
  async function load(more) {
    const mine = ++generation;
    const teamId = picker.value;
    message.textContent = '';
    if (!teamId) {
      clear(content).append(h('p', {}, t('board.noTeam')));
      return;
    }
    sessionStorage.setItem(KEPT, teamId);
    let board;
    try {
      const query = { ...size, ...(more ? { cursor: more.next_cursor } : {}) };
      board = await api(`/teams/${encodeURIComponent(teamId)}/board`, { query });
    } catch (error) {
      if (mine === generation) showError(ctx, error, message);
      return;
    }
    if (mine !== generation) return;
    if (more) board = joined(more, board);
    draw(teamId, board);
  }
  function draw(teamId, board) {
    clear(content);
    const team = teams.find((x) => x.id === teamId);
    const members = (board.people || []).filter((p) => p.member !== false).map((p) => memberEmail(p.assignee));
    for (const m of (team && team.members) || []) if (!members.includes(memberEmail(m))) members.push(memberEmail(m));
    content.append(h('h2', {}, t('board.totals')), counts(t, board.totals || {}, 'board-totals'));
    // The API gives the tallies per person and every ticket once (soonest due first): group them here.
    const byPerson = new Map();
    for (const ticket of board.tickets || []) {
      const who = assigneeOf(ticket);
      if (!byPerson.has(who)) byPerson.set(who, []);
      byPerson.get(who).push(ticket);
    }
    const groups = [
      ...(board.people || []).map((p) => ({ tally: p, who: memberEmail(p.assignee) })),
      { tally: board.unassigned || {}, who: null },
    ];
    for (const group of groups) {
      const label = group.who || t('board.unassigned');
      const section = h('section', { class: 'card board-person', 'data-testid': `board-person-${group.who || 'unassigned'}`, 'aria-label': label },
        h('h3', {}, h('span', {}, label)),
        counts(t, group.tally, `board-counts-${group.who || 'unassigned'}`));
      const tickets = byPerson.get(group.who) || [];
      if (!tickets.length) section.append(h('p', { class: 'empty' }, t('board.empty')));
      const list = h('ul', { class: 'board-tickets' });
      for (const ticket of tickets) {
        const item = h('li', { 'data-testid': `board-ticket-${ticket.ticket_id}` },
          dueBadge(t, ticket), ' ',
          ticket.due_at ? h('span', { class: 'due-time' }, fmtDateTime(ticket.due_at)) : '', ' ',
          h('a', { href: `#/tickets/${ticket.ticket_id}` }, ticket.ticket_id), ' ', ticket.subject);
        if (manage) {
          const who = h('select', { 'data-testid': `board-reassign-to-${ticket.ticket_id}`, 'aria-label': t('board.reassign', { id: ticket.ticket_id }) },
            h('option', { value: '' }, t('board.nobody')),
            ...members.map((m) => h('option', { value: m }, m)));
          who.value = assigneeOf(ticket) || '';
          const rowMessage = h('span', { class: 'field-error', role: 'alert' });
          const go = h('button', { type: 'button', class: 'small', 'data-testid': `board-reassign-${ticket.ticket_id}`, 'on:click': async () => {
            go.disabled = true;
            try {
              await assignTicket(api, ticket, who.value || null);
              ctx.toast(t('board.reassigned', { id: ticket.ticket_id, person: who.value || t('board.unassigned') }), 'success');
              await load();
            } catch (error) {
              showError(ctx, error, rowMessage, null, load);
              go.disabled = false;
            }
          } }, t('board.reassignDo'));
          item.append(' ', who, ' ', go, rowMessage);
        }
        list.append(item);
      }
      section.append(list);
      content.append(section);
    }
    if (board.next_cursor) {
      const button = h('button', { type: 'button', 'data-testid': 'board-more', 'on:click': async () => {
        button.disabled = true;
        content.setAttribute('aria-busy', 'true');
        await load(board).finally(() => content.removeAttribute('aria-busy'));
      } }, t('board.loadMore'));
      content.append(h('p', { class: 'list-more', 'data-testid': 'board-cut', role: 'status' }, t('board.more'), ' ', button));
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  // The picker shows at once; the board fills in when the API answers (aria-busy meanwhile).
  content.setAttribute('aria-busy', 'true');
  load().finally(() => content.removeAttribute('aria-busy'));
}

// Teams and their people. Teams come from the published categories (GET /teams: names, the
// categories naming each, members); admins change who is in a team (PUT /teams/{id}/members with
// the version they read: someone else's change in between answers 409, and the page reloads it);
// managers read. The people offered are the pool's staff (GET /staff).
import { h, clear } from '../js/dom.js';
import { addMessages, t, lang, fmtDateTime } from '../js/i18n.js';

export const roles = ['manager', 'admin'];

addMessages({
  en: {
    'teams.title': 'Teams',
    'teams.intro': 'Teams come from the published categories; their members work the teams’ queues.',
    'teams.empty': 'No team yet: publish a category that names one.',
    'teams.col.team': 'Team',
    'teams.col.categories': 'Categories',
    'teams.col.members': 'Members',
    'teams.members': 'Members',
    'teams.noMembers': 'Nobody is in this team yet.',
    'teams.add': 'Add a person',
    'teams.addButton': 'Add',
    'teams.choose': 'Choose…',
    'teams.remove': 'Remove',
    'teams.removePerson': 'Remove {email} from {team}',
    'teams.save': 'Save members',
    'teams.saved': 'Members of {team} saved.',
    'teams.conflict': 'Someone changed this team meanwhile; it is shown as it is now.',
    'teams.updated': 'Changed {at} by {by}',
    'teams.roles': 'Roles: {roles}',
    'teams.role.agent': 'agent',
    'teams.role.manager': 'manager',
    'teams.role.admin': 'administrator',
  },
  tr: {
    'teams.title': 'Ekipler',
    'teams.intro': 'Ekipler yayımlanmış kategorilerden gelir; üyeleri ekiplerin kuyruklarında çalışır.',
    'teams.empty': 'Henüz ekip yok: bir ekip adlandıran bir kategori yayımlayın.',
    'teams.col.team': 'Ekip',
    'teams.col.categories': 'Kategoriler',
    'teams.col.members': 'Üyeler',
    'teams.members': 'Üyeler',
    'teams.noMembers': 'Bu ekipte henüz kimse yok.',
    'teams.add': 'Kişi ekle',
    'teams.addButton': 'Ekle',
    'teams.choose': 'Seçin…',
    'teams.remove': 'Çıkar',
    'teams.removePerson': '{email} kişisini {team} ekibinden çıkar',
    'teams.save': 'Üyeleri kaydet',
    'teams.saved': '{team} üyeleri kaydedildi.',
    'teams.conflict': 'Bu ekip bu arada başka biri tarafından değiştirildi; güncel hâli gösteriliyor.',
    'teams.updated': '{at} tarihinde {by} değiştirdi',
    'teams.roles': 'Roller: {roles}',
    'teams.role.agent': 'temsilci',
    'teams.role.manager': 'yönetici',
    'teams.role.admin': 'sistem yöneticisi',
  },
  lv: {
    'teams.title': 'Komandas',
    'teams.intro': 'Komandas nāk no publicētajām kategorijām; to dalībnieki strādā ar komandu rindām.',
    'teams.empty': 'Vēl nav nevienas komandas: publicējiet kategoriju, kas tādu nosauc.',
    'teams.col.team': 'Komanda',
    'teams.col.categories': 'Kategorijas',
    'teams.col.members': 'Dalībnieki',
    'teams.members': 'Dalībnieki',
    'teams.noMembers': 'Šajā komandā vēl neviena nav.',
    'teams.add': 'Pievienot personu',
    'teams.addButton': 'Pievienot',
    'teams.choose': 'Izvēlieties…',
    'teams.remove': 'Noņemt',
    'teams.removePerson': 'Noņemt {email} no komandas {team}',
    'teams.save': 'Saglabāt dalībniekus',
    'teams.saved': 'Komandas {team} dalībnieki saglabāti.',
    'teams.conflict': 'Kāds šo komandu pa to laiku mainīja; tā parādīta pašreizējā stāvoklī.',
    'teams.updated': 'Mainīja {by}, {at}',
    'teams.roles': 'Lomas: {roles}',
    'teams.role.agent': 'aģents',
    'teams.role.manager': 'vadītājs',
    'teams.role.admin': 'administrators',
  },
});

const named = (names, fallback) => (names && (names[lang()] || names.en)) || fallback;

function teamCard(team, ctx, staff, categories, reload) {
  const admin = ctx.user.roles.has('admin');
  const title = named(team.names, team.name || team.team_id);
  const members = [...team.members];
  const list = h('ul', { class: 'team-members', 'data-testid': `team-members-${team.team_id}` });
  const error = h('p', { class: 'field-error', id: `team-${team.team_id}-error`, 'data-testid': `team-error-${team.team_id}`, hidden: true });
  const byEmail = new Map(staff.map((person) => [person.email, person]));
  const drawMembers = () => {
    clear(list);
    if (!members.length) list.append(h('li', { class: 'muted' }, t('teams.noMembers')));
    for (const email of members) {
      const person = byEmail.get(email);
      const roleText = person ? t('teams.roles', { roles: person.roles.map((r) => t(`teams.role.${r}`)).join(', ') }) : '';
      list.append(h('li', { 'data-testid': `team-member-${team.team_id}-${email}` },
        h('span', {}, email), roleText ? h('span', { class: 'muted' }, ` — ${roleText}`) : null,
        admin ? h('button', {
          type: 'button', class: 'secondary', 'data-testid': `team-remove-${team.team_id}-${email}`,
          'aria-label': t('teams.removePerson', { email, team: title }),
          'on:click': () => { members.splice(members.indexOf(email), 1); drawMembers(); drawChoices(); },
        }, t('teams.remove')) : null));
    }
  };
  const choose = h('select', { id: `team-add-${team.team_id}`, 'data-testid': `team-add-${team.team_id}`, 'aria-describedby': error.id });
  const drawChoices = () => {
    clear(choose).append(h('option', { value: '' }, t('teams.choose')),
      ...staff.filter((p) => !members.includes(p.email)).map((p) => h('option', { value: p.email }, p.email)));
  };
  const card = h('section', { class: 'card team-card', 'aria-labelledby': `team-${team.team_id}-title`, 'data-testid': `team-${team.team_id}` },
    h('h2', { id: `team-${team.team_id}-title` }, title, ' ', h('code', {}, team.team_id)),
    h('p', { class: 'muted' }, `${t('teams.col.categories')}: ${team.categories.map((id) => named(categories[id], id)).join(', ') || '–'}`),
    team.updated_at ? h('p', { class: 'muted' }, t('teams.updated', { at: fmtDateTime(team.updated_at), by: team.updated_by || '' })) : null,
    h('h3', {}, t('teams.members')), list);
  if (admin) {
    const save = async () => {
      error.hidden = true;
      choose.removeAttribute('aria-invalid');
      try {
        await ctx.api(`/teams/${encodeURIComponent(team.team_id)}/members`, { method: 'PUT', body: { members, version: team.version } });
        ctx.toast(t('teams.saved', { team: title }), 'success');
        await reload();
      } catch (failure) {
        if (failure.status === 409) {
          ctx.toast(t('teams.conflict'), 'error');
          await reload();
          return;
        }
        error.textContent = (failure.details || []).map((d) => d.message).join(' · ') || failure.message;
        error.hidden = false;
        choose.setAttribute('aria-invalid', 'true');
      }
    };
    card.append(
      h('div', { class: 'field' }, h('label', { for: choose.id }, t('teams.add')),
        h('div', { class: 'actions' }, choose, h('button', {
          type: 'button', class: 'secondary', 'data-testid': `team-add-button-${team.team_id}`,
          'on:click': () => { if (choose.value) { members.push(choose.value); drawMembers(); drawChoices(); } },
        }, t('teams.addButton')))),
      error,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', 'data-testid': `team-save-${team.team_id}`, 'on:click': save }, t('teams.save'))));
  }
  drawMembers();
  drawChoices();
  return card;
}

export async function render(root, params, ctx) {
  const reload = async () => {
    const [{ teams }, staff, categories] = await Promise.all([
      ctx.api('/teams'),
      ctx.api('/staff').then((answer) => answer.staff).catch(() => []),
      ctx.api('/categories').then((answer) => Object.fromEntries(answer.categories.map((c) => [c.category_id, c.names]))).catch(() => ({})),
    ]);
    clear(root);
    root.append(h('h1', {}, t('teams.title')), h('p', { class: 'muted' }, t('teams.intro')));
    if (!teams.length) {
      root.append(h('p', { class: 'muted' }, t('teams.empty')));
      return;
    }
    const summary = h('table', { class: 'data-table', 'data-testid': 'teams-list' },
      h('thead', {}, h('tr', {}, ...['team', 'categories', 'members'].map((k) => h('th', { scope: 'col' }, t(`teams.col.${k}`))))),
      h('tbody', {}, ...teams.map((team) => h('tr', {},
        h('th', { scope: 'row' }, h('a', { href: `#team-${team.team_id}-title`, 'on:click': (e) => { e.preventDefault(); root.querySelector(`#team-${team.team_id}-title`).scrollIntoView(); } }, named(team.names, team.name || team.team_id))),
        h('td', {}, team.categories.map((id) => named(categories[id], id)).join(', ')),
        h('td', { 'data-testid': `teams-count-${team.team_id}` }, String(team.members.length))))));
    root.append(summary, ...teams.map((team) => teamCard(team, ctx, staff, categories, reload)));
  };
  await reload();
}

// The shell: loads config.json, finishes a hosted sign-in, draws the header (nav for the user's
// roles, language and time-zone pickers, sign-out) and renders the page the hash names into
// <main id="view">. Pages are ES modules loaded when first opened (see ROUTES).

import { loadConfig } from './config.js';
import { api, setUnauthenticatedHandler } from './api.js';
import { currentUser, hasConsoleAccess, signOut, completeHostedSignIn, AuthError } from './auth.js';
import { t, lang, setLang, LANGUAGES, timeZone, setTimeZone, timeZones } from './i18n.js';
import { route, match, navigate, currentHash, hashWith } from './router.js';
import { h, clear } from './dom.js';

// Every page of the console. `nav` puts it in the header (label key); the module's `roles` say who
// sees it. Pages that are only reached from another page (a ticket) have no `nav`.
const ROUTES = [
  { pattern: '#/login', load: () => import('../pages/login.js'), public: true },
  { pattern: '#/queue', load: () => import('../pages/queue.js'), nav: 'nav.queue' },
  { pattern: '#/tickets/:id', load: () => import('../pages/ticket.js') },
  { pattern: '#/board', load: () => import('../pages/board.js'), nav: 'nav.board' },
  { pattern: '#/escalations', load: () => import('../pages/escalations.js'), nav: 'nav.escalations' },
  { pattern: '#/categories', load: () => import('../pages/categories.js'), nav: 'nav.categories' },
  { pattern: '#/categories/:id', load: () => import('../pages/categories.js') },
  { pattern: '#/reports', load: () => import('../pages/reports.js'), nav: 'nav.reports' },
  { pattern: '#/teams', load: () => import('../pages/teams.js'), nav: 'nav.teams' },
];
for (const entry of ROUTES) route(entry.pattern, entry.load, entry);

const view = () => document.getElementById('view');

// --- toasts -----------------------------------------------------------------------------------

export function toast(message, kind = 'info') {
  const region = document.getElementById('toasts');
  const item = h('div', { class: ['toast', `toast-${kind}`], 'data-testid': `toast-${kind}`, role: kind === 'error' ? 'alert' : null });
  const close = () => item.remove();
  item.append(h('span', null, message), h('button', { type: 'button', class: 'link', 'aria-label': t('shell.dismiss'), 'on:click': close }, '×'));
  region.append(item);
  setTimeout(close, kind === 'error' ? 12000 : 6000);
}

// --- the header -------------------------------------------------------------------------------

// Which nav entries a user sees: the page module's own `roles` decide (a module that fails to load
// is left out and reported on the console, not shown as a broken link).
async function navFor(user) {
  const entries = [];
  for (const entry of ROUTES.filter((r) => r.nav)) {
    try {
      const module = await entry.load();
      if ((module.roles || []).some((role) => user.roles.has(role))) entries.push(entry);
    } catch (error) {
      console.error(`page ${entry.pattern} could not be loaded`, error);
    }
  }
  return entries;
}

function picker(id, label, value, options, onChange) {
  const select = h(
    'select',
    { id, 'data-testid': id, 'on:change': (e) => onChange(e.target.value) },
    options.map(([code, text]) => h('option', { value: code, selected: code === value }, text)),
  );
  return h('div', { class: 'picker' }, h('label', { for: id }, label), select);
}

const LANGUAGE_NAMES = { tr: 'Türkçe', en: 'English', lv: 'Latviešu' };

// The header is drawn in one go after the only wait (the page modules for the nav), and only by the
// latest call: a language change during an earlier draw never leaves a header of two languages.
// <html lang> changes with it, so it always names the language the header is in.
let headerDrawn = 0;

async function renderHeader() {
  const drawing = ++headerDrawn;
  const user = currentUser();
  const signedIn = user && hasConsoleAccess(user);
  const entries = signedIn ? await navFor(user) : [];
  if (drawing !== headerDrawn) return;
  document.documentElement.lang = lang();
  document.title = t('app.name');
  document.getElementById('brand-name').textContent = t('app.name');
  const skip = document.getElementById('skip-link');
  skip.textContent = t('shell.skip');

  const focused = document.activeElement && document.activeElement.id; // kept across the redraw
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('shell.nav'));
  const here = (match(currentHash()) || {}).route;
  clear(nav).append(
    h(
      'ul',
      null,
      entries.map((entry) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              href: entry.pattern,
              'data-testid': `nav-${entry.pattern.slice(2)}`,
              'aria-current': here && here.pattern === entry.pattern ? 'page' : null,
            },
            t(entry.nav),
          ),
        ),
      ),
    ),
  );

  const tools = clear(document.getElementById('tools'));
  tools.append(
    picker('lang-picker', t('shell.language'), lang(), LANGUAGES.map((code) => [code, LANGUAGE_NAMES[code]]), (code) => setLang(code)),
    picker('tz-picker', t('shell.timeZone'), timeZone(), timeZones().map((zone) => [zone, zone.replace(/_/g, ' ')]), (zone) => setTimeZone(zone)),
  );
  if (user) {
    tools.append(
      h(
        'div',
        { class: 'user-menu' },
        h('span', { class: 'user-email', 'data-testid': 'user-email', title: [...user.roles].map((r) => t(`role.${r}`)).join(', ') }, user.email),
        h('button', { type: 'button', class: 'secondary', id: 'sign-out', 'data-testid': 'sign-out', 'on:click': onSignOut }, t('shell.signOut')),
      ),
    );
  }
  if (focused && document.activeElement !== document.getElementById(focused)) {
    const again = document.getElementById(focused);
    if (again) again.focus();
  }
}

async function onSignOut() {
  await signOut();
  navigate('#/login');
  await renderHeader();
}

// --- pages ------------------------------------------------------------------------------------

function message(titleKey, textKey, params = {}, testid = 'shell-message') {
  return h(
    'section',
    { class: 'shell-message', 'data-testid': testid },
    h('h1', null, t(titleKey)),
    h('p', null, t(textKey, params)),
    titleKey === 'shell.noAccess' ? null : h('p', null, h('a', { href: '#/' }, t('shell.home'))),
  );
}

function homeFor(user) {
  return user.roles.has('agent') || user.roles.has('manager') || user.roles.has('admin') ? '#/queue' : '#/login';
}

function loginHash(back) {
  return hashWith('#/login', back && !back.startsWith('#/login') ? { next: back } : {});
}

let rendering = 0;

async function show(options = {}) {
  const keepFocus = options.keepFocus === true;
  const ticket = ++rendering;
  const root = view();
  const hash = currentHash();
  const user = currentUser();
  await renderHeader();
  if (ticket !== rendering) return;

  if (hash === '#/' || hash === '#') {
    navigate(user ? homeFor(user) : '#/login');
    return;
  }
  const found = match(hash);
  if (!found) {
    clear(root).append(message('shell.notFound', 'shell.notFoundText', {}, 'not-found'));
    return keepFocus || focusView();
  }
  const { route: entry, params } = found;
  if (!entry.public && !user) {
    navigate(loginHash(hash));
    return;
  }
  if (!entry.public && !hasConsoleAccess(user)) {
    clear(root).append(message('shell.noAccess', 'shell.noAccessText', {}, 'no-access'));
    return keepFocus || focusView();
  }
  clear(root).append(h('p', { class: 'loading', 'aria-busy': 'true' }, t('shell.loading')));
  try {
    const module = await entry.load();
    if (ticket !== rendering) return;
    const roles = module.roles || [];
    if (!entry.public && !roles.some((role) => user.roles.has(role))) {
      clear(root).append(message('shell.notAllowed', 'shell.notAllowedText', {}, 'not-allowed'));
      return keepFocus || focusView();
    }
    const page = h('div', { class: 'page' });
    const ctx = { api, t, user, navigate, toast, params };
    await module.render(page, params, ctx);
    if (ticket !== rendering) return;
    clear(root).append(page);
    const heading = page.querySelector('h1');
    document.title = heading ? `${heading.textContent} · ${t('app.name')}` : t('app.name');
  } catch (error) {
    if (ticket !== rendering) return;
    if (error && error.status === 401) return; // the API handler is already sending them to sign in
    console.error(error);
    clear(root).append(message('shell.error', 'shell.errorText', { message: error.message || String(error) }, 'page-error'));
  }
  if (!keepFocus) focusView();
}

// After a page change the focus moves to <main>, so a keyboard or screen-reader user starts there
// (not after a language or time-zone change: the focus stays on the picker).
function focusView() {
  view().focus({ preventScroll: true });
}

// --- start ------------------------------------------------------------------------------------

async function start() {
  document.documentElement.lang = lang();
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault(); // '#view' would be taken for a route
    view().focus();
    view().scrollIntoView();
  });
  try {
    await loadConfig();
  } catch (error) {
    clear(view()).append(h('p', { class: 'shell-message', role: 'alert' }, t('shell.configMissing')));
    return;
  }
  setUnauthenticatedHandler(() => {
    const back = currentHash();
    if (!back.startsWith('#/login')) {
      toast(t('shell.sessionExpired'), 'error');
      navigate(loginHash(back));
    }
  });
  try {
    const back = await completeHostedSignIn();
    if (back !== null) {
      window.history.replaceState(null, '', window.location.pathname + back);
    }
  } catch (error) {
    window.history.replaceState(null, '', `${window.location.pathname}#/login`);
    if (error instanceof AuthError) toast(t(error.key), 'error');
    else throw error;
  }
  window.addEventListener('hashchange', () => show());
  // A language or zone change draws the header and the page again.
  window.addEventListener('console:settings', () => show({ keepFocus: true }));
  window.addEventListener('console:session', () => renderHeader());
  await show();
}

start();

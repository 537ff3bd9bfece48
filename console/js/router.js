// Hash routes: '#/queue', '#/tickets/:id' (params from the pattern), and a query after '?'
// ('#/queue?status=open' → params.status, the pattern's params win on a clash).
//
//   route('#/queue', () => import('../pages/queue.js'));
//
// A page module exports `roles` (the roles allowed; [] = anyone, signed in or not) and
// `async function render(root, params, ctx)`. The shell (app.js) decides what happens around it.

const routes = [];

export function route(pattern, load, options = {}) {
  const names = [];
  const source = pattern
    .replace(/^#/, '')
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  routes.push({ pattern, regex: new RegExp(`^${source}/?$`), names, load, ...options });
}

// {route, params} for a hash, or null.
export function match(hash) {
  const [path, search = ''] = String(hash || '#/').replace(/^#/, '').split('?');
  for (const candidate of routes) {
    const found = candidate.regex.exec(path || '/');
    if (!found) continue;
    const params = Object.fromEntries(new URLSearchParams(search));
    candidate.names.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1]);
    });
    return { route: candidate, params };
  }
  return null;
}

export function allRoutes() {
  return [...routes];
}

export function currentHash() {
  return window.location.hash || '#/';
}

export function navigate(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}

// Builds '#/queue?status=open&team=billing' (empty values left out).
export function hashWith(path, query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

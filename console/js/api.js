// Calling the complaint desk's API from the console.
//
//   const page = await api('/tickets', {query: {status: 'open'}});
//   await api(`/tickets/${id}/comments`, {method: 'POST', body: {...}});
//   const csv = await api('/reports/volumes', {accept: 'text/csv'});
//
// Sends the signed-in user's ID token (refreshed first when it is about to expire). Errors come
// back as ApiError with the API's error shape ({status, code, message, details: [{field, message}]}).
// A 401 means the session is over: the user is sent to sign in and brought back afterwards.

import { config } from './config.js';
import { idToken, clearSession } from './auth.js';
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  // The message for one field of a form ('' when the API said nothing about it).
  fieldMessage(name) {
    const found = this.details.find((d) => d.field === name || String(d.field || '').endsWith(`.${name}`));
    return found ? found.message : '';
  }
}

// Where a 401 sends the user; app.js sets it (the login route with a way back).
let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

function url(path, query) {
  const base = config().api_url.replace(/\/+$/, '');
  const target = new URL(base + (path.startsWith('/') ? path : `/${path}`));
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) target.searchParams.append(name, String(one));
  }
  return target;
}

export async function api(path, { method = 'GET', body, query, headers = {}, accept = 'application/json' } = {}) {
  const token = await idToken();
  if (!token) {
    onUnauthenticated();
    throw new ApiError(401, 'unauthenticated', t('shell.sessionExpired'));
  }
  const sent = { Accept: accept, Authorization: `Bearer ${token}`, ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network', t('api.network'));
  }
  const type = response.headers.get('content-type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (response.status === 401) {
    clearSession();
    onUnauthenticated();
  }
  if (!response.ok) {
    const error = (payload && payload.error) || {};
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || t('api.failed', { status: response.status }),
      Array.isArray(error.details) ? error.details : [],
    );
  }
  return response.status === 204 ? null : payload;
}

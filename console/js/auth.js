// Who is signed in, and keeping them signed in.
//
// Locally (config auth.mode "password") the console's own login page sends the e-mail and password
// to the user pool (Cognito InitiateAuth, USER_PASSWORD_AUTH) — the local pool is moto's, whose
// server answers the browser's CORS preflight as Cognito's endpoint does on AWS.
// On AWS (auth.mode "hosted-ui") the Cognito hosted UI signs the user in: authorization code with
// PKCE (S256), a random state checked on the way back, the code exchanged at /oauth2/token.
//
// The tokens live in sessionStorage (gone with the tab, not shared with other tabs). The ID token
// is what the API's authorizer checks; it is refreshed with the refresh token when it has less
// than REFRESH_MARGIN_MS left (REFRESH_TOKEN_AUTH locally, grant_type=refresh_token on AWS).

import { config } from './config.js';

const SESSION_KEY = 'complaintdesk.session';
const PKCE_KEY = 'complaintdesk.pkce';
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
export const CONSOLE_ROLES = ['agent', 'manager', 'admin'];
const KNOWN_ROLES = new Set([...CONSOLE_ROLES, 'integration']);

// A sign-in failure the login page can show: key is an i18n key ('auth.wrongPassword').
export class AuthError extends Error {
  constructor(key, cause) {
    super(key);
    this.name = 'AuthError';
    this.key = key;
    this.cause = cause;
  }
}

// --- tokens ---------------------------------------------------------------------------------

function base64UrlDecode(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The claims of a JWT, unverified: the console only reads them for display and timing; the API
// verifies the signature on every call.
export function claims(token) {
  const parts = String(token || '').split('.');
  if (parts.length !== 3) return null;
  try {
    return JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return null;
  }
}

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  } catch {
    return null;
  }
}

function writeSession(tokens, previous = null) {
  const idClaims = claims(tokens.IdToken || tokens.id_token);
  if (!idClaims) throw new AuthError('auth.failed');
  const session = {
    idToken: tokens.IdToken || tokens.id_token,
    accessToken: tokens.AccessToken || tokens.access_token || null,
    // A refresh answers without a new refresh token (unless rotation is on): keep the old one.
    refreshToken: tokens.RefreshToken || tokens.refresh_token || (previous && previous.refreshToken) || null,
    // When it expires by this browser's clock: the token's lifetime counted from now, so a clock
    // that is off (or moved on) neither refreshes on every call nor lets the token lapse.
    expiresAt: Date.now() + (idClaims.exp - (idClaims.iat || idClaims.auth_time || idClaims.exp - 3600)) * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  window.dispatchEvent(new CustomEvent('console:session', { detail: { signedIn: true } }));
  return session;
}

export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
  window.dispatchEvent(new CustomEvent('console:session', { detail: { signedIn: false } }));
}

// {email, roles: Set, team} from the ID token, or null when nobody is signed in. A session whose
// ID token has expired and cannot be refreshed still counts until the API refuses it.
export function currentUser() {
  const session = readSession();
  const c = session && claims(session.idToken);
  if (!c) return null;
  const groups = Array.isArray(c['cognito:groups']) ? c['cognito:groups'] : String(c['cognito:groups'] || '').split(/[,\s]+/);
  return {
    email: c.email || c['cognito:username'] || '',
    roles: new Set(groups.filter((g) => KNOWN_ROLES.has(g))),
    team: c['custom:team'] || null,
  };
}

export function hasConsoleAccess(user) {
  return Boolean(user) && CONSOLE_ROLES.some((role) => user.roles.has(role));
}

// --- Cognito's JSON API (password mode) -------------------------------------------------------

async function cognito(action, payload) {
  const { auth, region } = config();
  const endpoint = auth.cognito_endpoint || `https://cognito-idp.${region}.amazonaws.com/`;
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(payload),
    });
  } catch (error) {
    throw new AuthError('auth.network', error);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(body.__type || response.headers.get('x-amzn-errortype') || '').split('#').pop().split(':')[0];
    // A wrong password and an unknown user get the same words: the page must not tell which.
    if (type === 'NotAuthorizedException' || type === 'UserNotFoundException') throw new AuthError('auth.wrongPassword', body);
    throw new AuthError('auth.failed', body);
  }
  return body;
}

// Password sign-in (local). Resolves with currentUser(); throws AuthError.
export async function signIn(email, password) {
  const { auth } = config();
  const body = await cognito('InitiateAuth', {
    ClientId: auth.client_id,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email.trim(), PASSWORD: password },
  });
  if (!body.AuthenticationResult) throw new AuthError(body.ChallengeName ? 'auth.challenge' : 'auth.failed', body);
  writeSession(body.AuthenticationResult);
  return currentUser();
}

// --- hosted UI, authorization code + PKCE (AWS) ----------------------------------------------

function base64Url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// 32 random bytes as base64url: 43 characters, inside RFC 7636's 43..128 for a verifier.
export function randomString(size = 32) {
  return base64Url(crypto.getRandomValues(new Uint8Array(size)));
}

// code_challenge = BASE64URL(SHA-256(ASCII(code_verifier))) — the S256 method.
export async function pkceChallenge(verifier) {
  return base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

function hosted() {
  const { auth } = config();
  if (auth.mode !== 'hosted-ui') throw new Error('the hosted sign-in is not configured');
  return auth;
}

// Where the browser goes to sign in; remembers the verifier, the state and where to come back.
export async function hostedSignInUrl(returnTo = '#/') {
  const auth = hosted();
  const verifier = randomString();
  const state = randomString(16);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.client_id,
    redirect_uri: auth.redirect_uri,
    scope: 'openid email profile',
    state,
    code_challenge: await pkceChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return `${auth.domain}/oauth2/authorize?${query}`;
}

export async function beginHostedSignIn(returnTo = '#/') {
  window.location.assign(await hostedSignInUrl(returnTo));
}

async function tokenEndpoint(form) {
  const auth = hosted();
  let response;
  try {
    response = await fetch(`${auth.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: auth.client_id, ...form }),
    });
  } catch (error) {
    throw new AuthError('auth.network', error);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new AuthError(body.error === 'invalid_grant' ? 'auth.wrongPassword' : 'auth.failed', body);
  return body;
}

// The hosted UI's way back: ?code=…&state=… . Refuses a state this tab did not send (and uses a
// verifier only once). Resolves with the hash to return to; null when the query has no code.
export async function completeHostedSignIn(search = window.location.search) {
  const query = new URLSearchParams(search);
  if (!query.has('code') && !query.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
  sessionStorage.removeItem(PKCE_KEY);
  if (!pending || !query.get('state') || query.get('state') !== pending.state) throw new AuthError('auth.stateMismatch');
  if (query.has('error')) throw new AuthError('auth.failed', query.get('error'));
  const tokens = await tokenEndpoint({
    grant_type: 'authorization_code',
    code: query.get('code'),
    redirect_uri: hosted().redirect_uri,
    code_verifier: pending.verifier,
  });
  writeSession(tokens);
  return pending.returnTo || '#/';
}

// --- keeping the session --------------------------------------------------------------------

let refreshing = null;

// Trades the refresh token for a new ID token. One at a time: concurrent callers share it.
export function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const session = readSession();
      if (!session || !session.refreshToken) throw new AuthError('auth.failed');
      const { auth } = config();
      const tokens =
        auth.mode === 'hosted-ui'
          ? await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: session.refreshToken })
          : (
              await cognito('InitiateAuth', {
                ClientId: auth.client_id,
                AuthFlow: 'REFRESH_TOKEN_AUTH',
                AuthParameters: { REFRESH_TOKEN: session.refreshToken },
              })
            ).AuthenticationResult;
      return writeSession(tokens, session);
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

// The ID token to send, refreshed first when it has under REFRESH_MARGIN_MS left. null when
// nobody is signed in or the refresh failed (the session is then cleared).
export async function idToken() {
  let session = readSession();
  if (!session) return null;
  if (session.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    try {
      session = await refresh();
    } catch {
      clearSession();
      return null;
    }
  }
  return session.idToken;
}

// Forgets the tokens (and revokes the refresh token where the pool allows it). On AWS the browser
// then goes to the hosted UI's /logout, which ends its Cognito session too and comes back.
export async function signOut() {
  const session = readSession();
  clearSession();
  const { auth } = config();
  if (auth.mode === 'hosted-ui') {
    const query = new URLSearchParams({ client_id: auth.client_id, logout_uri: auth.logout_uri || auth.redirect_uri });
    window.location.assign(`${auth.domain}/logout?${query}`);
    return;
  }
  if (session && session.accessToken) {
    await cognito('GlobalSignOut', { AccessToken: session.accessToken }).catch(() => null);
  }
}

// The sign-in page. Locally: e-mail and password, sent to the user pool by auth.signIn. On AWS:
// one button to the Cognito hosted UI (authorization code + PKCE). After signing in the user goes
// back where they were (?next=), or to their start page; an account with no console role (the
// integration role) is signed out again and told so.

import { h, field } from '../js/dom.js';
import { config } from '../js/config.js';
import { signIn, signOut, beginHostedSignIn, hasConsoleAccess, currentUser, AuthError } from '../js/auth.js';

export const roles = []; // anyone, signed in or not

function safeNext(next) {
  return typeof next === 'string' && next.startsWith('#/') && !next.startsWith('#/login') ? next : '#/';
}

export async function render(root, params, ctx) {
  const { t, navigate } = ctx;
  const next = safeNext(params.next);
  const user = currentUser();
  if (user && hasConsoleAccess(user)) {
    navigate(next);
    return;
  }
  const formError = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'login-error', id: 'login-error', hidden: true });
  const showError = (key) => {
    formError.textContent = t(key);
    formError.hidden = false;
  };

  const heading = h('h1', null, t('login.title'));
  if (config().auth.mode === 'hosted-ui') {
    root.append(
      h(
        'section',
        { class: 'login card' },
        heading,
        h('p', null, t('login.hostedIntro')),
        formError,
        h('button', { type: 'button', class: 'primary', 'data-testid': 'login-hosted', 'on:click': () => beginHostedSignIn(next) }, t('login.hostedSubmit')),
      ),
    );
    return;
  }

  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, 'data-testid': 'login-email', id: 'login-email' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password', id: 'login-password' });
  const emailField = field(t('login.email'), email);
  const passwordField = field(t('login.password'), password);
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, t('login.submit'));

  async function onSubmit(event) {
    event.preventDefault();
    formError.hidden = true;
    emailField.setError(email.value.trim() ? null : t('login.required'));
    passwordField.setError(password.value ? null : t('login.required'));
    if (!email.value.trim() || !password.value) {
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.signingIn');
    try {
      const signedIn = await signIn(email.value, password.value);
      if (!hasConsoleAccess(signedIn)) {
        await signOut();
        showError('auth.noAccess');
        formError.setAttribute('data-reason', 'no-access');
        return;
      }
      navigate(next);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      showError(error.key);
      formError.setAttribute('data-reason', error.key);
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  }

  root.append(
    h(
      'section',
      { class: 'login card' },
      heading,
      h('p', null, t('login.intro')),
      h('form', { 'data-testid': 'login-form', novalidate: true, 'aria-describedby': 'login-error', 'on:submit': onSubmit }, emailField, passwordField, formError, h('div', { class: 'actions' }, submit)),
    ),
  );
}

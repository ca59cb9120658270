// The sign-in panel both pages share: a development token for a user name (with or without the admin role), or a
// pasted access token; then "Signed in as …" with Sign out. Element ids: dev-sign-in, user-id, as-admin, token-form,
// token, signed-out, signed-in, who, sign-out, and sign-in-error for what went wrong (in plain words).
import { currentToken, describeToken, signInForDevelopment, signOut, useToken } from './auth.js';
import { $, clearError, showError } from './dom.js';

/**
 * @param {{ signedIn: (who) => Promise<void>, signedOut: () => void }} handlers  signedIn loads the page's data; an
 *        error it throws is shown (a 401 also signs out)
 */
export function wireSignIn({ signedIn, signedOut }) {
  const failed = (error) => showError('sign-in-error', error);
  const enter = async (who) => {
    clearError('sign-in-error');
    $('who').textContent = who.roles.length ? `${who.userId} (${who.roles.join(', ')})` : who.userId;
    $('signed-out').hidden = true;
    $('signed-in').hidden = false;
    try {
      await signedIn(who);
    } catch (error) {
      failed(error);
      if (error.status === 401) leave();
    }
  };
  const leave = () => {
    signOut();
    $('signed-out').hidden = false;
    $('signed-in').hidden = true;
    signedOut();
  };

  $('dev-sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await enter(await signInForDevelopment($('user-id').value.trim(), $('as-admin').checked ? ['admin'] : []));
    } catch (error) {
      failed(error);
    }
  });
  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await enter(useToken($('token').value));
    } catch (error) {
      failed(error);
    }
  });
  $('sign-out').addEventListener('click', leave);

  const who = currentToken() && describeToken();
  if (who) enter(who);
  else leave();
}

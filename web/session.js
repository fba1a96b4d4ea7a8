// Logging in and out: the login section (why this tab must log in; the token pasted), the daemon's login link
// (its one-time code), the log-out button, and the session's renewal while the page is open.

import { hasSession, login, logout, renew, whenUnauthorized } from './api.js';

const $ = (id) => document.getElementById(id);

export class Session {
  /**
   * @param {{poll: () => void, stop: () => void}} ui poll: start refreshing (a login); stop: end the streams (a
   *        logout: they would only get 401s)
   */
  constructor(ui) {
    this.ui = ui;
    this.loggedIn = false; // a refresh succeeded since the last login: the main part is shown

    whenUnauthorized(() =>
      this.show(this.loggedIn || hasSession()
        ? 'The session ended (it expired, was logged out, or the daemon now has another token): log in again.'
        : null)); // a first visit: the page's own words, not a 401

    // The form posts the token (never in a URL: the address bar and the history would keep it) for a session
    // that only this tab holds.
    $('login-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await login({ token: $('login-token').value.trim() });
      } catch (err) {
        this.show(err.detail || err.message);
        return;
      }
      $('login-form').reset();
      this.ui.poll();
    });

    $('logout').addEventListener('click', async () => {
      try {
        await logout();
      } finally {
        this.ui.stop();
        this.show('Logged out: this tab holds no session any more.');
      }
    });
  }

  /** Shows the login section (and nothing else), saying why if why is given (else the welcome it has). */
  show(why) {
    this.loggedIn = false;
    $('main').hidden = true;
    $('conn').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    if (why) $('login-why').textContent = why;
    $('login-token').focus();
  }

  /** Called by every refresh that succeeded: the first since a login (it answers true) shows the main part. */
  enter() {
    if (this.loggedIn) return false;
    this.loggedIn = true;
    $('login').hidden = true;
    $('main').hidden = false;
    $('conn').hidden = false; // the live badge: only once signed in
    $('logout').hidden = !hasSession();
    return true;
  }

  /** Logs in by the daemon's login link (#code=…), and refuses a token in the address bar. false: the page
   * goes no further (the login section says why). */
  async fromAddress() {
    const linked = new URLSearchParams(location.hash.slice(1));
    if (linked.has('code')) {
      // The daemon's login link: its one-time code is used up now, so the link in the history is worth nothing.
      history.replaceState(null, '', location.pathname);
      try {
        await login({ code: linked.get('code') });
      } catch (err) {
        this.show(err.detail || err.message);
        return false;
      }
    } else if (new URLSearchParams(location.search).has('token')) {
      history.replaceState(null, '', '/');
      this.show('The token does not go in the address bar (the browser\'s history would keep it): paste it here, or open the login link the daemon prints in its terminal.');
      return false;
    }
    return true;
  }

  /** Renews the session while the page is open. false: this tab has none, and the login section shows. */
  begin() {
    setInterval(() => renew().catch(() => {}), 30 * 60 * 1000);
    if (!hasSession()) {
      this.show(); // no request that could only be refused (401): the console stays clean
      return false;
    }
    renew().catch(() => {});
    return true;
  }
}

// What the page says of itself: the message box (an error, or a note; dismissed with its ×) and the connection
// badge in the header (the view's stream, or the daemon unreachable). Texts go into the page as text, never as
// HTML.

import { Problem } from './api.js';

const $ = (id) => document.getElementById(id);

const CONN = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', paused: 'paused', ended: 'stream ended', offline: 'daemon unreachable' };

export class Status {
  constructor() {
    this.viewStatus = ''; // the hex view's stream: connecting, live, reconnecting, paused, ended ('': no view)
    this.pollFailed = false; // the last refresh did not reach the daemon
    $('message-close').addEventListener('click', () => ($('message').hidden = true));
  }

  /** Shows a message: an error, or (kind note) a note. */
  message(title, detail, kind = 'error') {
    const m = $('message');
    m.dataset.kind = kind;
    $('message-title').textContent = title;
    $('message-detail').textContent = detail;
    m.hidden = false;
  }

  /** Shows an error: a problem the daemon answered by its title and detail, anything else by its message. */
  error(err) {
    if (err instanceof Problem) this.message(err.title, err.detail);
    else this.message('Error', err.message || String(err));
  }

  note(s) {
    this.message('', s, 'note');
  }

  /** Shows the connection's state in the badge: the view's stream's, or offline while the daemon is unreachable. */
  conn() {
    const c = $('conn');
    let s = this.viewStatus || 'live';
    if (this.pollFailed) s = 'offline';
    c.dataset.state = s;
    c.textContent = CONN[s] || s;
  }
}

// Access token handling + small HTTP/WS/SSE helpers.
// If the page URL carries ?token=..., it is kept in sessionStorage, removed
// from the visible URL, sent as `Authorization: Bearer` on fetch and as
// `?token=` on WebSocket / EventSource URLs (which cannot carry headers).

const TOKEN_KEY = 'ic.token';

function captureToken() {
  try {
    const url = new URL(window.location.href);
    const t = url.searchParams.get('token');
    if (t) {
      sessionStorage.setItem(TOKEN_KEY, t);
      url.searchParams.delete('token');
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    }
  } catch {
    /* storage may be unavailable; ignore */
  }
}
captureToken();

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function withToken(path) {
  const t = getToken();
  if (!t) return path;
  return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(t);
}

export function wsUrl(interviewId) {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const path = interviewId ? '/ws/' + encodeURIComponent(interviewId) : '/ws';
  return withToken(proto + '//' + window.location.host + path);
}

export function liveUrl() {
  return withToken('/api/live');
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const t = getToken();
  if (t) headers.Authorization = 'Bearer ' + t;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    let msg = '';
    try {
      const text = await res.text();
      try {
        const j = JSON.parse(text);
        msg = j.error || j.message || '';
      } catch {
        msg = text.length < 200 ? text : '';
      }
    } catch {
      /* ignore */
    }
    if (res.status === 401 || res.status === 403) {
      msg = 'Access denied. Open the page with the link that includes ?token=… to sign in.';
    } else if (res.status === 404) {
      msg = msg || 'Not found.';
    }
    throw new ApiError(res.status, msg || `Request failed (${res.status}).`);
  }
  return res.json();
}

const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
};

export const listInterviews = (filters) => api('/api/interviews' + qs(filters));
export const getInterview = (id) => api('/api/interviews/' + encodeURIComponent(id));
export const getShared = (token) => api('/api/share/' + encodeURIComponent(token));
export const shareInterview = (id) =>
  api('/api/interviews/' + encodeURIComponent(id) + '/share', { method: 'POST', body: {} });
// Revoke one share link (its `/share/<token>` path); the server answers with the share id.
export const revokeShare = (path) =>
  api('/api/share/' + encodeURIComponent(String(path).replace(/^.*\/share\//, '')) + '/revoke', { method: 'POST', body: {} });
export const getProgress = (memberId) => api('/api/members/' + encodeURIComponent(memberId) + '/progress');

// One shared EventSource for /api/live; components subscribe to it.
let es = null;
const listeners = new Set();
export function subscribeLive(fn) {
  listeners.add(fn);
  if (!es && typeof EventSource !== 'undefined') {
    es = new EventSource(liveUrl());
    es.onmessage = (ev) => {
      let data = null;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      for (const l of listeners) l(data);
    };
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && es) {
      es.close();
      es = null;
    }
  };
}

// localStorage helpers (all failures are ignored: private mode, quotas...).
const LAST = 'ic.lastInterview';
const DRAFT = 'ic.draft.';

export function getLastInterview() {
  try {
    return localStorage.getItem(LAST) || null;
  } catch {
    return null;
  }
}
export function setLastInterview(id) {
  try {
    localStorage.setItem(LAST, id);
  } catch {
    /* ignore */
  }
}
export function clearLastInterview(id) {
  try {
    if (!id || localStorage.getItem(LAST) === id) localStorage.removeItem(LAST);
  } catch {
    /* ignore */
  }
}
export function loadDraft(id) {
  try {
    const v = localStorage.getItem(DRAFT + id);
    return v ? JSON.parse(v) : null;
  } catch {
    return null;
  }
}
let draftTimer = null;
export function saveDraft(id, draft) {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    try {
      localStorage.setItem(DRAFT + id, JSON.stringify({ ...draft, saved_at: Date.now() }));
      pruneDrafts();
    } catch {
      /* ignore */
    }
  }, 300);
}
function pruneDrafts() {
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k.startsWith(DRAFT)) keys.push(k);
  }
  if (keys.length <= 20) return;
  const aged = keys
    .map((k) => {
      try {
        return [k, JSON.parse(localStorage.getItem(k)).saved_at || 0];
      } catch {
        return [k, 0];
      }
    })
    .sort((a, b) => a[1] - b[1]);
  for (const [k] of aged.slice(0, keys.length - 20)) localStorage.removeItem(k);
}

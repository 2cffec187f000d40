import { useCallback, useEffect, useRef, useState } from 'react';
import { listInterviews, subscribeLive } from './api.js';
import { ErrorBox, PhaseBadge, PlatformBadge, ScorePill, Spinner } from './components.jsx';
import { fmtDateTime } from './format.jsx';
import { DuelBadge } from './Duels.jsx';

const PHASES = ['problem', 'approach', 'coding', 'feedback', 'ended', 'summarised'];
const LIVE_PHASES = new Set(['problem', 'approach', 'coding', 'feedback']);

export default function InterviewList({ query, navigate }) {
  const [filters, setFilters] = useState(() => ({
    platform: query.get('platform') || '',
    place: query.get('place') || '',
    member: query.get('member') || '',
    phase: query.get('phase') || '',
  }));
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const [flash, setFlash] = useState({});
  const [liveCount, setLiveCount] = useState(0);
  const filtersRef = useRef(filters);
  useEffect(() => {
    filtersRef.current = filters; // before the debounced reload below reads it
  }, [filters]);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const my = ++seq.current;
    setLoading(true);
    try {
      const data = await listInterviews({ ...filtersRef.current, limit: 200 });
      if (my !== seq.current) return;
      setRows(Array.isArray(data.interviews) ? data.interviews : []);
      setError(null);
    } catch (e) {
      if (my !== seq.current) return;
      setError(e.message);
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }, []);

  // Debounced reload when filters change; keep them in the URL.
  useEffect(() => {
    const t = setTimeout(load, 250);
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
    const h = '#/interviews' + (p.toString() ? '?' + p.toString() : '');
    if (window.location.hash !== h) window.history.replaceState(null, '', h);
    return () => clearTimeout(t);
  }, [filters, load]);

  // Live refresh from /api/live.
  useEffect(() => {
    let timer = null;
    const flashTimers = new Set();
    const unsub = subscribeLive((ev) => {
      setLiveCount((c) => c + 1);
      if (ev && ev.interview_id) {
        // Highlight the row for 3 s (a later event for the same row restarts the 3 s).
        const id = ev.interview_id;
        const at = Date.now();
        setFlash((f) => ({ ...f, [id]: at }));
        const ft = setTimeout(() => {
          flashTimers.delete(ft);
          setFlash((f) => {
            if (f[id] !== at) return f;
            const next = { ...f };
            delete next[id];
            return next;
          });
        }, 3000);
        flashTimers.add(ft);
      }
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    });
    return () => {
      clearTimeout(timer);
      for (const ft of flashTimers) clearTimeout(ft);
      unsub();
    };
  }, [load]);

  const set = (k) => (e) => setFilters((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div className="page" data-testid="interview-list">
      <div className="page-head">
        <h1>Interviews</h1>
        <span className="live-pill" data-testid="live-status" title="Updates arrive live from the server">
          <span className="live-dot" /> Live{liveCount ? ` · ${liveCount} update${liveCount === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      <div className="filters card">
        <label>
          <span>Platform</span>
          <select data-testid="filter-platform" value={filters.platform} onChange={set('platform')}>
            <option value="">All</option>
            <option value="web">Web</option>
            <option value="discord">Discord</option>
            <option value="slack">Slack</option>
          </select>
        </label>
        <label>
          <span>Place</span>
          <input data-testid="filter-place" placeholder="server, channel…" value={filters.place} onChange={set('place')} />
        </label>
        <label>
          <span>Member</span>
          <input data-testid="filter-member" placeholder="member id" value={filters.member} onChange={set('member')} />
        </label>
        <label>
          <span>Phase</span>
          <select data-testid="filter-phase" value={filters.phase} onChange={set('phase')}>
            <option value="">All</option>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <div className="filters-end">
          {loading ? <Spinner /> : null}
          <button type="button" className="btn ghost small" onClick={() => setFilters({ platform: '', place: '', member: '', phase: '' })}>
            Clear
          </button>
        </div>
      </div>

      {error ? <ErrorBox>{error}</ErrorBox> : null}
      {rows === null && !error ? (
        <div className="center-note">
          <Spinner label="Loading interviews…" />
        </div>
      ) : null}
      {rows && rows.length === 0 ? <div className="card center-note muted">No interviews match these filters.</div> : null}
      {rows && rows.length > 0 ? (
        <div className="card table-card">
          <table className="table" data-testid="interview-table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Platform</th>
                <th>Place</th>
                <th>Candidate</th>
                <th>Problem</th>
                <th>Phase</th>
                <th className="num">Score</th>
                <th className="num">Subs</th>
                <th className="num">Hints</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const fl = !!flash[r.interview_id];
                const live = LIVE_PHASES.has(r.phase);
                return (
                  <tr
                    key={r.interview_id}
                    className={'row-click' + (fl ? ' flash' : '')}
                    data-testid="interview-row"
                    data-interview-id={r.interview_id}
                    data-phase={r.phase}
                    onClick={(e) => {
                      if (e.target.closest('a')) return;
                      navigate('#/transcript/' + encodeURIComponent(r.interview_id));
                    }}
                  >
                    <td className="nowrap">{fmtDateTime(r.started_at)}</td>
                    <td>
                      <PlatformBadge platform={r.platform} />
                    </td>
                    <td className="ellipsis">{String(r.place ?? '')}</td>
                    <td>
                      {r.candidate && r.candidate.id ? (
                        <a href={'#/member/' + encodeURIComponent(r.candidate.id)} data-testid="member-link">
                          {String(r.candidate.name || r.candidate.id)}
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="ellipsis">
                      <a href={'#/transcript/' + encodeURIComponent(r.interview_id)} data-testid="interview-link">
                        {String(r.problem_title || 'Untitled problem')}
                      </a>
                      {r.daily ? (
                        <span className="badge daily" data-testid="daily-badge" title={'Daily problem of ' + String(r.daily)}>
                          {' '}
                          daily {String(r.daily)}
                        </span>
                      ) : null}
                      {r.duel ? <DuelBadge duel={r.duel} /> : null}
                      {r.peer ? <PeerLine peer={r.peer} /> : null}
                    </td>
                    <td className="nowrap">
                      <PhaseBadge phase={r.phase} />
                      {live ? <span className="live-dot inline" title="In progress" /> : null}
                    </td>
                    <td className="num">
                      <ScorePill score={r.last_score} />
                    </td>
                    <td className="num">{String(r.submissions ?? 0)}</td>
                    <td className="num">{String(r.hints_used ?? 0)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

// A peer interview's result in the list (issue 16): interviewer · coach band per dimension.
function PeerLine({ peer }) {
  const rows = Array.isArray(peer.rows) ? peer.rows : [];
  const band = (v) => (v === null || v === undefined ? '—' : String(v));
  const bands = rows.map((r) => `${band(r.interviewer)}·${band(r.coach)}`).join('  ');
  return (
    <div className="muted small" data-testid="peer-line" title="interviewer · coach, per rubric dimension">
      {'peer: ' + String(peer.interviewer || '')}
      {peer.interviewer_left ? ' (left)' : ''}
      {' — ' + bands}
      {peer.stars ? ' — ' + String(peer.stars) + '/5' : ''}
    </div>
  );
}

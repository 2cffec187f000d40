import { useEffect, useState } from 'react';
import { getInterview, getShared, revokeShare, shareInterview, subscribeLive } from './api.js';
import { AnalysisPanel, ErrorBox, PhaseBadge, PlatformBadge, ScorePill, Spinner, SummaryPanel } from './components.jsx';
import { CodeBlock, RichText, fmtDateTime, fmtTime } from './format.jsx';

const TYPE_LABELS = {
  interview_started: 'Interview started',
  approach_explained: 'Approach',
  code_submitted: 'Code submitted',
  candidate_message: 'Message',
  hint_requested: 'Hint requested',
  coach_replied: 'Coach',
  code_analyzed: 'Code analysis',
  coach_failed: 'Coach failed',
  interview_ended: 'Interview ended',
  summary_written: 'Summary',
  regraded: 'Regraded',
};
const COACH_TYPES = new Set(['coach_replied', 'code_analyzed', 'coach_failed', 'summary_written', 'regraded']);

const DIMENSIONS = ['communication', 'problem solving', 'technical competency', 'testing'];

// An operator's regrade of this analysis or summary, beside the original (which stays the
// score): the new figure (median of the repeats), each repeat, and the new bands.
function Regrades({ regrades }) {
  return (
    <div className="regrades muted" data-testid="regrades">
      {regrades.map((r, i) => {
        const repeats = r.scores && r.scores.length ? r.scores : r.hire_signals || [];
        const figure = r.score !== undefined && r.score !== null ? `${r.score}/10` : String(r.hire_signal || 'no valid answer').replace(/_/g, ' ');
        return (
          <div key={i} className="regrade" data-testid="regrade">
            Regraded with {String(r.model)} (prompt {String(r.prompt_version)}): <strong>{figure}</strong>
            {r.repeat > 1 ? ` · repeats: ${repeats.map(String).join(', ')}` : ''}
            {Array.isArray(r.bands) && r.bands.length === 4 ? ` · bands ${r.bands.map((b, j) => `${DIMENSIONS[j]} ${b}`).join(', ')}` : ''}
            {r.failed ? ` · ${r.failed} repeat(s) failed` : ''} · the original stands
          </div>
        );
      })}
    </div>
  );
}

function Entry({ e }) {
  const coach = COACH_TYPES.has(e.type);
  const actor = e.actor && (e.actor.name || e.actor.id);
  return (
    <li
      className={'entry ' + (coach ? 'entry-coach' : 'entry-candidate') + ' entry-' + String(e.type)}
      data-testid="transcript-entry"
      data-type={String(e.type)}
    >
      <div className="entry-meta">
        <span className="entry-type">
          {TYPE_LABELS[e.type] || String(e.type)}
          {e.kind && e.type === 'coach_replied' && e.kind !== 'chat' ? ` · ${String(e.kind).replace(/_/g, ' ')}` : ''}
        </span>
        {!coach && actor ? <span className="entry-actor">{String(actor)}</span> : null}
        <span className="entry-time" title={fmtDateTime(e.at)}>
          {fmtTime(e.at)}
        </span>
      </div>
      {e.text ? <RichText text={String(e.text)} /> : null}
      {typeof e.code === 'string' ? <CodeBlock code={e.code} language={e.language} testid="transcript-code" /> : null}
      {e.analysis ? <AnalysisPanel analysis={e.analysis} compact /> : null}
      {e.summary ? <SummaryPanel summary={e.summary} /> : null}
      {Array.isArray(e.regrades) && e.regrades.length ? <Regrades regrades={e.regrades} /> : null}
      {e.error ? (
        <div className="entry-error" role="alert">
          <RichText text={String(e.error)} />
        </div>
      ) : null}
    </li>
  );
}

export default function Transcript({ interviewId, shareToken }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [share, setShare] = useState(null);
  const [shareErr, setShareErr] = useState(null);
  const [copied, setCopied] = useState(false);

  // Load the transcript, then reload it on live updates while the interview is in progress
  // (not on public share pages). The page is keyed by interview id (main.jsx).
  useEffect(() => {
    let alive = true;
    let t = null;
    const load = () =>
      (shareToken ? getShared(shareToken) : getInterview(interviewId)).then(
        (d) => {
          if (!alive) return;
          setData(d);
          setError(null);
        },
        (e) => alive && setError(e.message),
      );
    load();
    const unsub = shareToken
      ? () => {}
      : subscribeLive((ev) => {
          if (!ev || (ev.interview_id && ev.interview_id !== interviewId)) return;
          clearTimeout(t);
          t = setTimeout(load, 300);
        });
    return () => {
      alive = false;
      clearTimeout(t);
      unsub();
    };
  }, [interviewId, shareToken]);

  const doShare = async () => {
    setShareErr(null);
    try {
      const r = await shareInterview(interviewId);
      const path = String(r.url || '');
      // Only ever build a same-origin link from the server's path.
      const url = path.startsWith('/') ? window.location.origin + path : null;
      if (!url) throw new Error('The server returned no share link.');
      setShare({ url, path, expiresAt: r.expires_at || null, revoked: false });
      setCopied(false);
    } catch (e) {
      setShareErr(e.message);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(share.url);
      setCopied(true);
    } catch {
      /* clipboard may be unavailable; the field is selectable */
    }
  };

  const revoke = async () => {
    setShareErr(null);
    try {
      await revokeShare(share.path);
      setShare({ ...share, revoked: true });
    } catch (e) {
      setShareErr(e.message);
    }
  };

  if (error) {
    return (
      <div className="page">
        <ErrorBox>{error}</ErrorBox>
      </div>
    );
  }
  if (!data) {
    return (
      <div className="page center-note">
        <Spinner label="Loading transcript…" />
      </div>
    );
  }
  const iv = data.interview || {};
  const problem = data.problem || {};
  const entries = Array.isArray(data.entries) ? data.entries : [];
  return (
    <div className="page transcript" data-testid="transcript" data-interview-id={String(iv.interview_id || '')}>
      <div className="page-head">
        <div>
          <h1>{String(problem.title || iv.problem_title || 'Interview transcript')}</h1>
          <div className="meta-line">
            <PlatformBadge platform={iv.platform} />
            <PhaseBadge phase={iv.phase} />
            {iv.place ? <span className="muted">{String(iv.place)}</span> : null}
            {iv.candidate ? (
              shareToken ? (
                <span>{String(iv.candidate.name || iv.candidate.id || '')}</span>
              ) : (
                <a href={'#/member/' + encodeURIComponent(iv.candidate.id)} data-testid="member-link">
                  {String(iv.candidate.name || iv.candidate.id || '')}
                </a>
              )
            ) : null}
            <span className="muted">
              {fmtDateTime(iv.started_at)}
              {iv.ended_at ? ' → ' + fmtDateTime(iv.ended_at) : ''}
            </span>
            {iv.last_score !== null && iv.last_score !== undefined ? <ScorePill score={iv.last_score} /> : null}
          </div>
        </div>
        {!shareToken ? (
          <div className="share-box">
            <button type="button" className="btn" data-testid="share-button" onClick={doShare}>
              Share
            </button>
          </div>
        ) : (
          <span className="badge">Shared transcript · read-only</span>
        )}
      </div>
      {share && !share.revoked ? (
        <div className="card share-result">
          <span>
            Anyone with this link can read the transcript
            {share.expiresAt ? ' until ' + fmtDateTime(share.expiresAt) : ''}:
          </span>
          <input data-testid="share-link" aria-label="Share link" readOnly value={share.url} onFocus={(e) => e.target.select()} />
          <button type="button" className="btn small" onClick={copy}>
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" className="btn small" data-testid="share-revoke" onClick={revoke}>
            Revoke
          </button>
        </div>
      ) : null}
      {share && share.revoked ? (
        <div className="card share-result" role="status" data-testid="share-revoked">
          This link was revoked: it opens nothing from now on. Other links stay open.
        </div>
      ) : null}
      {shareErr ? <ErrorBox>{shareErr}</ErrorBox> : null}

      {problem.statement ? (
        <div className="card problem-card">
          <h2>Problem</h2>
          <RichText className="problem-text" text={String(problem.statement)} />
        </div>
      ) : null}

      <ol className="timeline" data-testid="transcript-entries">
        {entries.map((e, i) => (
          <Entry key={(e.version ?? i) + ':' + i} e={e} />
        ))}
      </ol>
      {entries.length === 0 ? <div className="card center-note muted">Nothing has happened in this interview yet.</div> : null}
    </div>
  );
}

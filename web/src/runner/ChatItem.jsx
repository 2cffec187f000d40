// One item of the chat list: a system note, an error, a candidate turn, or a coach
// message (streaming text, an analysis card with "open analysis", the summary notice).
import { CodeBlock, fmtTime, RichText } from '../format.jsx';

const CANDIDATE_LABEL = { problem: 'Problem', explanation: 'Approach', code: 'Code submission' };
const COACH_LABEL = { approach_feedback: 'Approach feedback', hint: 'Hint', nudge: 'Nudge', time_warning: 'Time check' };

export function ErrorMessage({ children }) {
  return (
    <div className="msg msg-error" data-testid="error-message" role="alert">
      <span className="msg-error-icon" aria-hidden="true">
        !
      </span>
      {children}
    </div>
  );
}

function Meta({ author, label, at }) {
  return (
    <div className="msg-meta">
      {author ? <span className="msg-author">{author}</span> : null}
      {label ? <span className="msg-tag">{label}</span> : null}
      <span className="msg-time">{fmtTime(at)}</span>
    </div>
  );
}

function CandidateItem({ item }) {
  if (item.kind === 'hint' || item.kind === 'end') {
    return (
      <div className="msg msg-event" data-testid="chat-message" data-who="candidate" data-kind={item.kind}>
        {item.kind === 'hint' ? 'You asked for a hint' : 'You ended the interview'}
      </div>
    );
  }
  return (
    <div className="msg msg-candidate" data-testid="chat-message" data-who="candidate" data-kind={item.kind}>
      <Meta label={CANDIDATE_LABEL[item.kind]} at={item.at} />
      {item.kind === 'code' ? (
        <details className="code-details">
          <summary>
            {String(item.language || 'code')} · {item.text.split('\n').length} lines
          </summary>
          <CodeBlock code={item.text} language={item.language} />
        </details>
      ) : (
        <RichText text={item.text} />
      )}
    </div>
  );
}

function AnalysisItem({ item, onShowAnalysis }) {
  const a = item.analysis || {};
  return (
    <div className="msg msg-coach msg-analysis" data-testid="chat-message" data-who="coach" data-kind="analysis">
      <Meta label={`Analysis${item.submission ? ` · #${item.submission}` : ''}`} at={item.at} />
      <div className="analysis-mini">
        <span className="mini-score">{String(a.score ?? '—')}/10</span>
        <button type="button" className="link-btn" onClick={onShowAnalysis}>
          open analysis
        </button>
      </div>
      {a.follow_up_question ? <RichText className="follow-up-mini" text={String(a.follow_up_question)} /> : null}
    </div>
  );
}

function CoachItem({ item }) {
  return (
    <div
      className={'msg msg-coach' + (item.streaming ? ' streaming' : '') + (item.kind === 'time_warning' ? ' warn' : '')}
      data-testid="chat-message"
      data-who="coach"
      data-kind={item.kind}
      data-streaming={item.streaming ? 'true' : undefined}
    >
      <Meta author="Coach" label={COACH_LABEL[item.kind]} at={item.at} />
      <RichText text={item.text} />
      {item.streaming ? <span className="caret" aria-hidden="true" /> : null}
    </div>
  );
}

export function ChatItem({ item, onShowAnalysis }) {
  if (item.who === 'system') {
    return (
      <div className="msg msg-system" data-testid="chat-message" data-who="system">
        <RichText text={item.text} />
      </div>
    );
  }
  if (item.who === 'error') {
    return (
      <ErrorMessage>
        <RichText text={item.text} />
      </ErrorMessage>
    );
  }
  if (item.who === 'candidate') return <CandidateItem item={item} />;
  if (item.kind === 'analysis') return <AnalysisItem item={item} onShowAnalysis={onShowAnalysis} />;
  if (item.kind === 'summary') {
    return (
      <div className="msg msg-event" data-testid="chat-message" data-who="coach" data-kind="summary">
        Your summary is ready
      </div>
    );
  }
  return <CoachItem item={item} />;
}

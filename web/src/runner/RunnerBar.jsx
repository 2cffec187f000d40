// The runner's top bar: title and time left, the step tabs, the connection badge and
// the Transcript / New interview buttons.
import { useEffect, useState } from 'react';
import { fmtDuration } from '../format.jsx';
import { StepTabs } from './StepTabs.jsx';

function useNow(active) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function Deadline({ deadline, stage }) {
  const active = !!deadline && stage !== 'ended' && stage !== 'summarised';
  const now = useNow(active);
  if (!active) return null;
  const end = new Date(deadline).getTime();
  if (Number.isNaN(end)) return null;
  const left = end - now;
  const cls = left <= 0 ? 'over' : left < 5 * 60 * 1000 ? 'soon' : '';
  return (
    <span className={'deadline ' + cls} data-testid="deadline" title={new Date(deadline).toLocaleString()}>
      {left <= 0 ? "Time's up" : fmtDuration(left) + ' left'}
    </span>
  );
}

const CONN_LABEL = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Disconnected' };

function ConnBadge({ conn, onReconnect }) {
  return (
    <span className={'conn conn-' + conn} data-testid="conn-status" data-state={conn}>
      <span className="conn-dot" />
      {CONN_LABEL[conn]}
      {conn === 'reconnecting' || conn === 'closed' ? (
        <button type="button" className="link-btn" onClick={onReconnect}>
          retry now
        </button>
      ) : null}
    </span>
  );
}

export function RunnerBar({ title, interviewId, deadline, stage, conn, onReconnect, onNewInterview, stepIdPrefix, stageId }) {
  return (
    <div className="runner-bar">
      <div className="runner-title">
        <h1>{title || (interviewId ? 'Interview' : 'New mock interview')}</h1>
        <Deadline deadline={deadline} stage={stage} />
      </div>
      <StepTabs stage={stage} idPrefix={stepIdPrefix} panelId={stageId} />
      <div className="runner-actions">
        <ConnBadge conn={conn} onReconnect={onReconnect} />
        {interviewId ? (
          <a className="btn ghost small" href={'#/transcript/' + encodeURIComponent(interviewId)} data-testid="transcript-link">
            Transcript
          </a>
        ) : null}
        {interviewId ? (
          <button type="button" className="btn ghost small" data-testid="new-interview" onClick={onNewInterview}>
            New interview
          </button>
        ) : null}
      </div>
    </div>
  );
}

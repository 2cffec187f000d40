// The boxes under the runner bar when the interview cannot be resumed (fatal-error) or the
// server has been unreachable for 3 attempts (connection-error).
import { ErrorBox } from '../components.jsx';

export function ConnectionErrors({ fatal, conn, failures, resumeId, onReconnect, onNewInterview }) {
  if (fatal) {
    return (
      <ErrorBox testid="fatal-error">
        <strong>This interview cannot be resumed.</strong> <span>{fatal}</span>{' '}
        <button type="button" className="btn small" onClick={onNewInterview}>
          Start a new interview
        </button>
      </ErrorBox>
    );
  }
  if (conn === 'open' || failures < 3) return null;
  return (
    <ErrorBox testid="connection-error">
      <strong>Cannot reach the interview server.</strong> Still trying to reconnect; nothing you have sent is lost.{' '}
      <button type="button" className="btn small" onClick={onReconnect}>
        Retry now
      </button>
      {resumeId ? (
        <>
          {' '}
          <button type="button" className="btn ghost small" onClick={onNewInterview}>
            Start a new interview
          </button>
        </>
      ) : null}
    </ErrorBox>
  );
}

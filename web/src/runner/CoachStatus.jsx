// Under the chat list: "Coach is thinking…" / retrying, or the failure with its Retry button.
export function CoachStatus({ status, onRetry, canSend }) {
  if (!status) return null;
  if (status.state === 'failed') {
    return (
      <div className="coach-status failed" data-testid="coach-status" data-state="failed" role="alert">
        <span>{status.message || 'The coach could not answer.'}</span>
        <button type="button" className="btn small" data-testid="retry-button" onClick={onRetry} disabled={!canSend}>
          Retry
        </button>
      </div>
    );
  }
  const text = status.message || (status.state === 'retrying' ? 'The coach is busy, retrying…' : 'Coach is thinking…');
  return (
    <div className={'coach-status ' + status.state} data-testid="coach-status" data-state={status.state}>
      <span className="typing">
        <i />
        <i />
        <i />
      </span>
      <span>{text}</span>
    </div>
  );
}

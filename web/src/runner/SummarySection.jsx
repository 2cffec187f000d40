// Step 5: "writing your summary" after End, then the session summary with links to the
// transcript and to a new interview.
import { forwardRef } from 'react';
import { Spinner, SummaryPanel } from '../components.jsx';

export const SummarySection = forwardRef(function SummarySection({ summary, ended, interviewId, onNewInterview }, ref) {
  if (!summary) {
    return ended ? (
      <div className="card center-note" data-testid="summary-pending">
        <Spinner label="The coach is writing your summary…" />
      </div>
    ) : null;
  }
  return (
    <>
      <div ref={ref} className="summary-anchor" />
      <SummaryPanel summary={summary} />
      <div className="summary-actions">
        <a className="btn" href={'#/transcript/' + encodeURIComponent(interviewId || '')} data-testid="summary-transcript-link">
          Open the full transcript
        </a>
        <button type="button" className="btn primary" onClick={onNewInterview}>
          Start a new interview
        </button>
      </div>
    </>
  );
});

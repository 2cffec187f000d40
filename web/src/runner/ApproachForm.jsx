// Step 2: the candidate explains the approach before coding, or skips to the editor.
import { useState } from 'react';

export function ApproachForm({ onSubmit, onSkip, canSend }) {
  const [draft, setDraft] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (onSubmit(draft)) setDraft('');
  };
  return (
    <form className="card approach-form" onSubmit={submit}>
      <h2>Explain your approach</h2>
      <p className="muted">Before coding, talk through your plan: data structures, algorithm, complexity, edge cases.</p>
      <textarea
        data-testid="approach-input"
        aria-label="Your approach"
        className="big-input"
        rows={7}
        placeholder="I'd start with a brute force… then improve it by…"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
        }}
      />
      <div className="form-actions">
        <button type="button" className="btn ghost" data-testid="skip-to-coding" onClick={onSkip}>
          Skip to coding
        </button>
        <button type="submit" className="btn primary" data-testid="approach-submit" disabled={!canSend}>
          Explain approach
        </button>
      </div>
    </form>
  );
}

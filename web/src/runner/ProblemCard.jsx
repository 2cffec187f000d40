// The problem statement once the interview has started (collapsible after the approach step).
import { useState } from 'react';
import { RichText } from '../format.jsx';

export function ProblemCard({ title, text, collapsible }) {
  const [open, setOpen] = useState(!collapsible);
  if (!text && !title) return null;
  return (
    <div className="card problem-card" data-testid="problem-card">
      <div className="problem-card-head">
        <h2>{title || 'Problem'}</h2>
        {collapsible ? (
          <button type="button" className="ghost small" onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide' : 'Show'}
          </button>
        ) : null}
      </div>
      {open && text ? <RichText className="problem-text" text={text} /> : null}
    </div>
  );
}

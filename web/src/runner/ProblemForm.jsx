// Step 1: the candidate describes (or picks) the problem and starts the interview.
import { useState } from 'react';

const SAMPLE_PROBLEMS = [
  ['Two Sum', 'Two Sum: given an array of integers nums and an integer target, return the indices of the two numbers that add up to target. Each input has exactly one solution and you may not use the same element twice.'],
  ['Merge Intervals', 'Merge Intervals: given an array of intervals [start, end], merge all overlapping intervals and return an array of the non-overlapping intervals that cover all the intervals in the input.'],
  ['LRU Cache', 'LRU Cache: design a data structure with get(key) and put(key, value) in O(1) time that evicts the least recently used key when it reaches its capacity.'],
];

export function ProblemForm({ onSubmit, canSend, starting }) {
  const [draft, setDraft] = useState('');
  const submit = (e) => {
    e.preventDefault();
    onSubmit(draft);
  };
  return (
    <form className="card problem-form" onSubmit={submit}>
      <h2>What problem are we practising?</h2>
      <p className="muted">
        Paste a problem statement or describe one in your own words. The coach plays the interviewer: it asks,
        probes and scores, but never hands you the solution.
      </p>
      <div className="chips">
        {SAMPLE_PROBLEMS.map(([name, text]) => (
          <button key={name} type="button" className="chip" onClick={() => setDraft(text)}>
            {name}
          </button>
        ))}
      </div>
      <textarea
        data-testid="problem-input"
        aria-label="Problem statement"
        className="big-input"
        rows={8}
        placeholder="e.g. Given an array of integers and a target, return the indices of the two numbers that add up to the target…"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
        }}
      />
      <div className="form-actions">
        <span className="muted small">Ctrl+Enter to start</span>
        <button type="submit" className="btn primary" data-testid="problem-submit" disabled={!canSend || starting}>
          {starting ? 'Starting…' : 'Start interview'}
        </button>
      </div>
    </form>
  );
}

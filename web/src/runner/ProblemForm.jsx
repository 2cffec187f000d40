// Step 1: the candidate describes (or picks) the problem and starts the interview.
import { useState } from 'react';

const SAMPLE_PROBLEMS = [
  ['Two Sum', 'Two Sum: given an array of integers nums and an integer target, return the indices of the two numbers that add up to target. Each input has exactly one solution and you may not use the same element twice.'],
  ['Merge Intervals', 'Merge Intervals: given an array of intervals [start, end], merge all overlapping intervals and return an array of the non-overlapping intervals that cover all the intervals in the input.'],
  ['LRU Cache', 'LRU Cache: design a data structure with get(key) and put(key, value) in O(1) time that evicts the least recently used key when it reaches its capacity.'],
];

const DIFFICULTIES = ['easy', 'medium', 'hard'];
const TOPICS = ['arrays', 'strings', 'hashing', 'two-pointers', 'stacks', 'linked-lists', 'trees', 'graphs', 'dynamic-programming', 'intervals', 'heaps', 'design'];

// The bank picker: a problem from the bank by difficulty and topic, or "surprise me"; its
// statement, examples, hints and time limit come from the bank, and its tests can run.
function BankPicker({ onPick, disabled }) {
  const [difficulty, setDifficulty] = useState('');
  const [topic, setTopic] = useState('');
  const pick = () => onPick({ ...(difficulty ? { difficulty } : {}), ...(topic ? { topic } : {}), ...(!difficulty && !topic ? { surprise: true } : {}) });
  return (
    <div className="bank-picker" data-testid="bank-picker">
      <h3>Or practise a problem from the bank</h3>
      <label>
        <span>Difficulty</span>
        <select data-testid="bank-difficulty" value={difficulty} onChange={(e) => setDifficulty(e.target.value)}>
          <option value="">any</option>
          {DIFFICULTIES.map((d) => (
            <option key={d} value={d}>{d}</option>
          ))}
        </select>
      </label>
      <label>
        <span>Topic</span>
        <select data-testid="bank-topic" value={topic} onChange={(e) => setTopic(e.target.value)}>
          <option value="">any</option>
          {TOPICS.map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </label>
      <button type="button" className="btn" data-testid="bank-start" onClick={pick} disabled={disabled}>
        {difficulty || topic ? 'Start on a bank problem' : 'Surprise me'}
      </button>
    </div>
  );
}

export function ProblemForm({ onSubmit, onPick, canSend, starting }) {
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
      {onPick ? <BankPicker onPick={onPick} disabled={!canSend || starting} /> : null}
    </form>
  );
}

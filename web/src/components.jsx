import { RichText } from './format.jsx';

export const RUBRIC_DIMENSIONS = [
  ['communication', 'Communication'],
  ['problem_solving', 'Problem solving'],
  ['technical_competency', 'Technical competency'],
  ['testing', 'Testing'],
];
const BANDS = { 1: 'Not yet', 2: 'Developing', 3: 'Solid', 4: 'Strong' };

export const HIRE_SIGNALS = {
  strong_no: { label: 'Strong no', tone: 'bad' },
  no: { label: 'No', tone: 'bad' },
  lean_no: { label: 'Lean no', tone: 'warn' },
  lean_yes: { label: 'Lean yes', tone: 'ok' },
  yes: { label: 'Yes', tone: 'good' },
  strong_yes: { label: 'Strong yes', tone: 'good' },
};

const PHASE_LABELS = {
  problem: 'Problem',
  approach: 'Approach',
  coding: 'Coding',
  feedback: 'Feedback',
  ended: 'Ended',
  summarised: 'Summarised',
};

export function PhaseBadge({ phase }) {
  return <span className={'badge phase-' + String(phase || 'unknown')}>{PHASE_LABELS[phase] || String(phase || '—')}</span>;
}

export function PlatformBadge({ platform }) {
  return <span className={'badge platform-' + String(platform || 'web')}>{String(platform || 'web')}</span>;
}

function scoreTone(score) {
  if (score >= 8) return 'good';
  if (score >= 6) return 'ok';
  if (score >= 4) return 'warn';
  return 'bad';
}

export function ScorePill({ score, testid }) {
  if (score === null || score === undefined || score === '') return <span className="muted">—</span>;
  return (
    <span className={'score-pill tone-' + scoreTone(Number(score))} data-testid={testid}>
      {String(score)}
      <span className="score-of">/10</span>
    </span>
  );
}

export function Rubric({ rubric, testid = 'rubric' }) {
  if (!rubric || typeof rubric !== 'object') return null;
  return (
    <div className="rubric" data-testid={testid}>
      {RUBRIC_DIMENSIONS.map(([key, label]) => {
        const dim = rubric[key];
        if (!dim) return null;
        const score = Math.max(0, Math.min(4, Number(dim.score) || 0));
        return (
          <div className="rubric-row" key={key}>
            <div className="rubric-head">
              <span className="rubric-name">{label}</span>
              <span className="rubric-meter" aria-label={`${score} of 4`}>
                {[1, 2, 3, 4].map((i) => (
                  <span key={i} className={'rubric-pip' + (i <= score ? ' on band-' + score : '')} />
                ))}
              </span>
              <span className={'rubric-band band-' + score}>{BANDS[score] || '—'}</span>
            </div>
            {dim.evidence ? <RichText className="rubric-evidence" text={dim.evidence} /> : null}
          </div>
        );
      })}
    </div>
  );
}

function Field({ label, text, className = '' }) {
  if (text === undefined || text === null || text === '') return null;
  return (
    <section className={'field ' + className}>
      <h4>{label}</h4>
      <RichText text={String(text)} />
    </section>
  );
}

export function AnalysisPanel({ analysis, submission, testid = 'analysis-panel', compact = false }) {
  if (!analysis) return null;
  return (
    <div className={'analysis card' + (compact ? ' compact' : '')} data-testid={testid}>
      <div className="analysis-head">
        <div className="analysis-score-big">
          <span className={'score-num tone-' + scoreTone(Number(analysis.score))} data-testid="score">
            {String(analysis.score ?? '—')}
          </span>
          <span className="score-den">/10</span>
        </div>
        <div className="analysis-title">
          <h3 data-testid="analysis-title">Code analysis{submission ? ` · submission ${submission}` : ''}</h3>
          {analysis.correctness ? (
            <div className="correctness" data-testid="correctness">
              <span className="label">Correctness</span>
              <RichText text={String(analysis.correctness)} />
            </div>
          ) : null}
        </div>
      </div>
      <div className="analysis-grid">
        <Field label="Technical feedback" text={analysis.technical_feedback} />
        <Field label="Complexity" text={analysis.complexity_analysis} />
        <Field label="Code quality" text={analysis.code_quality} />
        <Field label="Follow-up question" text={analysis.follow_up_question} className="follow-up" />
      </div>
      {analysis.rubric ? (
        <>
          <h4 className="section-label">Rubric</h4>
          <Rubric rubric={analysis.rubric} />
        </>
      ) : null}
    </div>
  );
}

export function SummaryPanel({ summary, testid = 'summary-panel' }) {
  if (!summary) return null;
  const hs = HIRE_SIGNALS[summary.hire_signal];
  const sd = summary.session_data || {};
  return (
    <div className="summary card" data-testid={testid}>
      <div className="summary-head">
        <h3 data-testid="summary-title">Interview summary</h3>
        {hs ? (
          <span className={'hire-signal tone-' + hs.tone} data-testid="hire-signal">
            Hire signal: {hs.label}
          </span>
        ) : null}
      </div>
      <div className="summary-stats">
        {sd.duration ? (
          <div className="stat">
            <span className="stat-label">Duration</span>
            <span className="stat-value">{String(sd.duration)}</span>
          </div>
        ) : null}
        {sd.submissions !== undefined ? (
          <div className="stat">
            <span className="stat-label">Submissions</span>
            <span className="stat-value">{String(sd.submissions)}</span>
          </div>
        ) : null}
        {summary.hints_used !== undefined ? (
          <div className="stat">
            <span className="stat-label">Hints used</span>
            <span className="stat-value">{String(summary.hints_used)}</span>
          </div>
        ) : null}
      </div>
      <RichText className="summary-text" text={summary.summary || ''} />
      <div className="two-col">
        {Array.isArray(summary.strengths) && summary.strengths.length > 0 ? (
          <section className="list-block good">
            <h4>Strengths</h4>
            <ul>
              {summary.strengths.map((s, i) => (
                <li key={i}>
                  <RichText text={String(s)} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {Array.isArray(summary.improvements) && summary.improvements.length > 0 ? (
          <section className="list-block improve">
            <h4>To improve</h4>
            <ul>
              {summary.improvements.map((s, i) => (
                <li key={i}>
                  <RichText text={String(s)} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      {summary.rubric ? (
        <>
          <h4 className="section-label">Rubric</h4>
          <Rubric rubric={summary.rubric} />
        </>
      ) : null}
    </div>
  );
}

export function Spinner({ label }) {
  return (
    <span className="spinner-wrap">
      <span className="spinner" aria-hidden="true" />
      {label ? <span>{label}</span> : null}
    </span>
  );
}

export function ErrorBox({ children, testid = 'error' }) {
  return (
    <div className="error-box" role="alert" data-testid={testid}>
      {children}
    </div>
  );
}

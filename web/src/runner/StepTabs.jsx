// The interview's steps (Problem → Approach → Coding → Feedback → Summary) in the runner bar.
const STEPS = [
  ['problem', 'Problem'],
  ['approach', 'Approach'],
  ['coding', 'Coding'],
  ['feedback', 'Feedback'],
  ['summarised', 'Summary'],
];
const STEP_INDEX = { problem: 0, approach: 1, coding: 2, feedback: 3, ended: 4, summarised: 4 };

export function StepTabs({ stage }) {
  const cur = STEP_INDEX[stage] ?? 0;
  return (
    <ol className="stepper" data-testid="stepper" data-stage={stage}>
      {STEPS.map(([key, label], i) => (
        <li key={key} className={i < cur ? 'done' : i === cur ? 'current' : ''}>
          <span className="step-dot">{i < cur ? '✓' : i + 1}</span>
          <span className="step-label">{label}</span>
        </li>
      ))}
    </ol>
  );
}

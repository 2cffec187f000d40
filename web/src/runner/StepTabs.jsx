// The interview's steps (Problem → Approach → Coding → Feedback → Summary) in the runner
// bar, as a tablist: the current step is the selected tab and controls the stage panel
// (`panelId`). The steps follow the interview, so arrow keys move focus but select nothing.
const STEPS = [
  ['problem', 'Problem'],
  ['approach', 'Approach'],
  ['coding', 'Coding'],
  ['feedback', 'Feedback'],
  ['summarised', 'Summary'],
];
const STEP_INDEX = { problem: 0, approach: 1, coding: 2, feedback: 3, ended: 4, summarised: 4 };
const MOVES = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

function moveFocus(e) {
  const tabs = [...e.currentTarget.parentElement.querySelectorAll('[role="tab"]')];
  const i = tabs.indexOf(e.currentTarget);
  let to = null;
  if (e.key in MOVES) to = (i + MOVES[e.key] + tabs.length) % tabs.length;
  else if (e.key === 'Home') to = 0;
  else if (e.key === 'End') to = tabs.length - 1;
  if (to === null) return;
  e.preventDefault();
  tabs[to].focus();
}

export function StepTabs({ stage, idPrefix, panelId }) {
  const cur = STEP_INDEX[stage] ?? 0;
  return (
    <ol className="stepper" role="tablist" aria-label="Interview steps" data-testid="stepper" data-stage={stage}>
      {STEPS.map(([key, label], i) => (
        <li
          key={key}
          id={idPrefix + key}
          role="tab"
          aria-selected={i === cur}
          aria-controls={i === cur ? panelId : undefined}
          aria-label={`${label}${i < cur ? ' (done)' : ''}`}
          tabIndex={i === cur ? 0 : -1}
          onKeyDown={moveFocus}
          className={i < cur ? 'done' : i === cur ? 'current' : ''}
          data-testid="step-tab"
          data-step={key}
        >
          <span className="step-dot" aria-hidden="true">
            {i < cur ? '✓' : i + 1}
          </span>
          <span className="step-label">{label}</span>
        </li>
      ))}
    </ol>
  );
}

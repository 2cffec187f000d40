// The results panel of "Run tests": where the run stands ("queued, 2 ahead", "Running 2
// examples and 6 tests…") and the latest run's verdicts: each example with its input,
// expected and actual output, the hidden tests as counts plus the first failing one,
// compiler output or the end of a runtime error, time and memory per case. All text is
// rendered as text (the code's output is the candidate's, never markup).

import { counts, lastLines, mib, ms, ok, verdictLabel } from './runCounts.js';

function CaseRow({ name, c }) {
  return (
    <tr className={ok(c.verdict) ? 'case-ok' : 'case-bad'}>
      <th scope="row">{name}</th>
      <td>{verdictLabel(c.verdict)}</td>
      <td><code>{c.input}</code></td>
      <td><code>{c.expected ?? ''}</code></td>
      <td><code>{c.got ?? ''}</code></td>
      <td>{ms(c.time_ms)}</td>
      <td>{mib(c.memory_bytes)}</td>
    </tr>
  );
}

function Failing({ title, c }) {
  return (
    <div className="run-failing" data-testid="run-failing">
      <h4>{title}</h4>
      <dl>
        <dt>input</dt>
        <dd><code>{c.input}</code></dd>
        {c.expected !== undefined ? (<><dt>expected</dt><dd><code>{c.expected}</code></dd></>) : null}
        {c.got !== undefined ? (<><dt>got</dt><dd><code>{c.got}</code></dd></>) : null}
      </dl>
      {c.stdout ? <pre className="run-output">{lastLines(c.stdout)}</pre> : null}
      {c.error ? <pre className="run-error">{lastLines(c.error)}</pre> : null}
    </div>
  );
}

export function RunResults({ status, latest }) {
  if (!status && !latest) return null;
  const run = latest ? latest.run : null;
  const tests = (run && run.tests && run.tests.cases) || [];
  const { passed, total } = run ? counts(run) : { passed: 0, total: 0 };
  const hiddenPassed = tests.filter((c) => ok(c.verdict)).length;
  return (
    <section className="card run-results" data-testid="run-results" aria-live="polite">
      <h3>Test results</h3>
      {status ? (
        <p className={`run-status run-${status.state}`} role="status" data-testid="run-status">
          {status.message}
        </p>
      ) : null}
      {run ? (
        <div data-testid="run-latest" data-verdict={run.verdict}>
          <p className="run-headline">
            <strong>{run.verdict === 'compile_error' ? 'Compile error' : `${passed} of ${total} passed`}</strong>
            {run.verdict !== 'passed' && run.verdict !== 'compile_error' ? ` · ${verdictLabel(run.verdict)}` : ''}
            <span className="muted small"> · {run.language} · sandbox: {run.isolation}</span>
          </p>
          {run.error ? <pre className="run-error">{lastLines(run.error, 20)}</pre> : null}
          {(run.examples || []).length || run.custom ? (
            <table className="run-table">
              <thead>
                <tr>
                  <th scope="col">case</th>
                  <th scope="col">verdict</th>
                  <th scope="col">input</th>
                  <th scope="col">expected</th>
                  <th scope="col">got</th>
                  <th scope="col">time</th>
                  <th scope="col">memory</th>
                </tr>
              </thead>
              <tbody>
                {(run.examples || []).map((c, i) => (
                  <CaseRow key={i} name={`example ${i + 1}`} c={c} />
                ))}
                {run.custom ? <CaseRow name="your input" c={run.custom} /> : null}
              </tbody>
            </table>
          ) : null}
          {tests.length ? (
            <p data-testid="run-hidden">
              Hidden tests: {hiddenPassed} of {tests.length} passed
              {tests.length ? ` · slowest ${ms(Math.max(...tests.map((c) => c.time_ms || 0)))}` : ''}
            </p>
          ) : null}
          {run.tests && run.tests.first_failure ? <Failing title="First failing hidden test" c={run.tests.first_failure} /> : null}
          {(run.examples || []).filter((c) => !ok(c.verdict)).slice(0, 1).map((c, i) => (
            <Failing key={i} title="Failing example" c={c} />
          ))}
          {run.custom && (run.custom.stdout || run.custom.error) ? <Failing title="Your input" c={run.custom} /> : null}
        </div>
      ) : null}
    </section>
  );
}

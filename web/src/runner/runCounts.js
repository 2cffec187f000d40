// Pure helpers of the run results panel: verdict labels, counts, units.

const VERDICTS = {
  passed: 'passed',
  wrong_answer: 'wrong answer',
  runtime_error: 'runtime error',
  time_limit: 'time limit exceeded',
  memory_limit: 'memory limit exceeded',
  output_limit: 'output limit exceeded',
  compile_error: 'compile error',
  completed: 'ran',
  skipped: 'not run',
};

export const verdictLabel = (v) => VERDICTS[v] || String(v || '');

export const ms = (t) => (typeof t === 'number' ? `${t < 10 ? t.toFixed(1) : Math.round(t)} ms` : '');
export const mib = (b) => (typeof b === 'number' ? `${(b / (1024 * 1024)).toFixed(1)} MiB` : '');
export const ok = (v) => v === 'passed' || v === 'completed';
export const lastLines = (text, n = 12) => String(text || '').split('\n').slice(-n).join('\n');

// "3 of 8 passed" over examples, hidden tests and a custom input.
export function counts(run) {
  const examples = run.examples || [];
  const tests = (run.tests && run.tests.cases) || [];
  const custom = run.custom ? [run.custom] : [];
  const all = [...examples, ...tests, ...custom];
  return { passed: all.filter((c) => ok(c.verdict)).length, total: all.length };
}


// Unit tests of the run results' counting and labels (pure JS): `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, verdictLabel } from '../src/runner/runCounts.js';

test('counts add examples, hidden tests and a custom input', () => {
  const run = {
    examples: [{ verdict: 'passed' }, { verdict: 'wrong_answer' }],
    tests: { cases: [{ verdict: 'passed' }, { verdict: 'time_limit' }, { verdict: 'passed' }] },
  };
  assert.deepEqual(counts(run), { passed: 3, total: 5 });
  assert.deepEqual(counts({ custom: { verdict: 'completed' } }), { passed: 1, total: 1 });
});

test('verdicts read as words', () => {
  assert.equal(verdictLabel('wrong_answer'), 'wrong answer');
  assert.equal(verdictLabel('compile_error'), 'compile error');
});

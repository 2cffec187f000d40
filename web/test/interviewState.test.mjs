// Unit tests of the runner's state machine (pure JS, no browser): `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce } from '../src/interviewState.js';

const server = (msg) => ({ type: 'server', msg });
const run = (state, ...actions) => actions.reduce(reduce, state);

test('a new interview: local problem waits for the interview frame', () => {
  let s = run(initialState(), server({ type: 'system', message: 'Welcome', timestamp: 't' }), { type: 'local', kind: 'problem', content: 'Two Sum: x' });
  assert.equal(s.stage, 'problem');
  assert.equal(s.starting, true);
  s = reduce(s, server({ type: 'interview', interview_id: 'i1', stream_id: 's1', phase: 'problem', deadline: null, problem_title: 'Two Sum' }));
  assert.equal(s.starting, false);
  assert.equal(s.stage, 'approach');
  assert.equal(s.interviewId, 'i1');
  assert.equal(s.problemTitle, 'Two Sum');
});

test('an error before the interview exists gives the problem back', () => {
  const s = run(initialState(), { type: 'local', kind: 'problem', content: 'x' }, server({ type: 'error', message: 'Budget exhausted', timestamp: 't' }));
  assert.equal(s.starting, false);
  assert.equal(s.stage, 'problem');
  assert.deepEqual(s.items.map((i) => i.who), ['error']);
});

test('deltas stream into one bubble that the final message replaces', () => {
  let s = run(
    initialState(),
    server({ type: 'coach_status', state: 'thinking', message: '', reply_to: 3 }),
    server({ type: 'ai_response_delta', reply_to: 3, delta: 'Hel' }),
    server({ type: 'ai_response_delta', reply_to: 3, delta: 'lo' }),
  );
  assert.equal(s.items.length, 1);
  assert.equal(s.items[0].text, 'Hello');
  assert.equal(s.items[0].streaming, true);
  assert.equal(s.status, null);
  s = reduce(s, server({ type: 'ai_response', message: 'Hello there', reply_to: 3, kind: 'chat', timestamp: 't' }));
  assert.equal(s.items.length, 1);
  assert.equal(s.items[0].text, 'Hello there');
  assert.ok(!s.items[0].streaming);
});

test('code_analysis replaces its stream and moves to feedback; summary ends it', () => {
  let s = run(
    { ...initialState(), stage: 'coding' },
    server({ type: 'ai_response_delta', reply_to: 5, delta: 'Reviewing' }),
    server({ type: 'code_analysis', reply_to: 5, submission: 1, analysis: { score: 7 }, timestamp: 't' }),
  );
  assert.equal(s.stage, 'feedback');
  assert.equal(s.analyses.length, 1);
  assert.deepEqual(s.items.map((i) => i.kind), ['analysis']);
  s = reduce(s, server({ type: 'session_summary', summary: 'ok', session_data: { duration: '5 minutes', submissions: 1 }, hire_signal: 'yes' }));
  assert.equal(s.stage, 'summarised');
  assert.equal(s.summary.hire_signal, 'yes');
});

test('failed status stays until retry, then the answer clears it', () => {
  let s = run(initialState(), server({ type: 'coach_status', state: 'failed', message: 'busy', reply_to: 9 }));
  assert.equal(s.status.state, 'failed');
  s = reduce(s, { type: 'retry_sent' });
  assert.equal(s.status.state, 'thinking');
  s = reduce(s, server({ type: 'ai_response', message: 'answer', reply_to: 9, timestamp: 't' }));
  assert.equal(s.status, null);
});

test('a retry or a failure drops the text streamed so far: a cut reply is never left on the page', () => {
  let s = run(
    initialState(),
    server({ type: 'ai_response_delta', reply_to: 4, delta: 'Consider the hash' }),
    server({ type: 'ai_response_delta', reply_to: 6, delta: 'Other turn' }),
    server({ type: 'coach_status', state: 'retrying', message: 'rewriting', reply_to: 4 }),
  );
  assert.deepEqual(s.items.map((i) => i.text), ['Other turn']);
  s = run(s, server({ type: 'ai_response_delta', reply_to: 4, delta: 'Consider a map.' }), server({ type: 'ai_response', message: 'Consider a map.', reply_to: 4, timestamp: 't' }));
  assert.deepEqual(s.items.map((i) => i.text), ['Other turn', 'Consider a map.']);
  s = run(s, server({ type: 'coach_status', state: 'failed', message: 'could not finish', reply_to: 6 }));
  assert.deepEqual(s.items.map((i) => i.text), ['Consider a map.']);
});

test('resume: replayed frames build a shadow state that replaces the view at replay_done', () => {
  let s = run(initialState('i1'), { type: 'local', kind: 'message', content: 'stale' }, { type: 'begin_replay' });
  s = run(
    s,
    server({ type: 'system', message: 'Welcome back' }),
    server({ type: 'interview', interview_id: 'i1', stream_id: 's', phase: 'feedback', deadline: null, problem_title: 'T' }),
    server({ type: 'candidate', kind: 'problem', content: 'T: x', timestamp: 't' }),
    server({ type: 'ai_response', message: 'hi', reply_to: 1, kind: 'chat' }),
    server({ type: 'candidate', kind: 'explanation', content: 'plan', timestamp: 't' }),
    server({ type: 'candidate', kind: 'code', content: 'x = 1', language: 'go', timestamp: 't' }),
    server({ type: 'code_analysis', analysis: { score: 6 }, reply_to: 3, submission: 1 }),
  );
  // Still showing the old view during the replay.
  assert.deepEqual(s.items.map((i) => i.text), ['stale']);
  s = reduce(s, server({ type: 'replay_done' }));
  assert.equal(s.shadow, null);
  assert.equal(s.replayed, true);
  assert.equal(s.stage, 'feedback');
  assert.equal(s.problemText, 'T: x');
  assert.deepEqual(s.lastCode, { code: 'x = 1', language: 'go' });
  assert.equal(s.submissions, 1);
  assert.deepEqual(s.items.map((i) => i.who + ':' + (i.kind || '')), ['system:', 'candidate:problem', 'coach:chat', 'candidate:explanation', 'candidate:code', 'coach:analysis']);
});

test('a live echo of a message this tab sent is not shown twice', () => {
  const s = run(
    { ...initialState('i1'), replayed: true, stage: 'coding' },
    { type: 'local', kind: 'message', content: 'hello' },
    server({ type: 'candidate', kind: 'message', content: 'hello', timestamp: 't' }),
  );
  assert.equal(s.items.filter((i) => i.who === 'candidate').length, 1);
});

test('unknown frames are ignored', () => {
  const s0 = initialState();
  assert.equal(reduce(s0, server({ type: 'something_new', x: 1 })), s0);
});

test('the interview frame says whether this browser may act or only watch', () => {
  let s = initialState('i1');
  assert.equal(s.role, 'candidate');
  s = reduce(s, server({ type: 'interview', interview_id: 'i1', stream_id: 's1', phase: 'coding', deadline: null, problem_title: 'T', role: 'watcher' }));
  assert.equal(s.role, 'watcher');
  s = reduce(s, server({ type: 'interview', interview_id: 'i1', stream_id: 's1', phase: 'coding', deadline: null, problem_title: 'T', role: 'anything' }));
  assert.equal(s.role, 'candidate');
});

test('a run: sent, queued, running, then its results replace the status', () => {
  let s = run(initialState(), { type: 'run_sent' });
  assert.equal(s.runStatus.state, 'sent');
  s = reduce(s, server({ type: 'run_status', state: 'queued', message: 'queued, 2 ahead', ahead: 2, reply_to: 3 }));
  assert.deepEqual(s.runStatus, { state: 'queued', message: 'queued, 2 ahead', ahead: 2 });
  s = reduce(s, server({ type: 'run_status', state: 'running', message: 'Running 2 examples and 6 tests…', reply_to: 3 }));
  assert.equal(s.runStatus.message, 'Running 2 examples and 6 tests…');
  const results = { type: 'test_results', run: { verdict: 'passed', examples: [], tests: { cases: [] } }, text: 't', timestamp: 't', version: 4 };
  s = run(s, server(results), server(results));
  assert.equal(s.runStatus, null);
  assert.equal(s.runs.length, 1, 'a replayed run is kept once');
  assert.equal(s.runs[0].run.verdict, 'passed');
});

test('a refused run clears its status; a bank problem brings its statement', () => {
  let s = run(initialState(), { type: 'run_sent' }, server({ type: 'error', message: 'cobol cannot be run', timestamp: 't' }));
  assert.equal(s.runStatus, null);
  s = reduce(s, server({ type: 'interview', interview_id: 'i', stream_id: 'web:i', phase: 'approach', deadline: null, problem_title: 'Two Sum', problem_text: '# Two Sum' }));
  assert.equal(s.problemText, '# Two Sum');
});

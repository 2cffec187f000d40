// Pure state machine for the interview runner: server frames (docs/WEB-API.md)
// and local actions both go through `reduce`. On a resume, replayed frames are
// applied to a shadow state that replaces the visible one at `replay_done`.

export const STAGES = ['problem', 'approach', 'coding', 'feedback', 'ended', 'summarised'];
const PHASE_TO_STAGE = {
  problem: 'approach', // the problem is known; the candidate explains next
  approach: 'approach',
  coding: 'coding',
  feedback: 'feedback',
  ended: 'ended',
  summarised: 'summarised',
};
const CANDIDATE_STAGE = {
  problem: 'approach',
  explanation: 'coding',
  code: 'coding',
  end: 'ended',
};

export function maxStage(a, b) {
  return STAGES.indexOf(b) > STAGES.indexOf(a) ? b : a;
}

let seq = 0;
const nextId = () => ++seq;

export function initialState(resumeId = null) {
  return {
    interviewId: resumeId,
    streamId: null,
    phase: null,
    stage: 'problem',
    deadline: null,
    problemTitle: '',
    problemText: '',
    items: [],
    analyses: [],
    summary: null,
    status: null,
    lastCode: null,
    submissions: 0,
    hints: 0,
    shadow: null, // replay in progress
    replayed: false,
    starting: false, // problem sent, waiting for the `interview` frame
    role: 'candidate', // `watcher`: this browser may read the interview but not act in it
    runs: [], // test_results frames: {run, text, version, at}, oldest first
    runStatus: null, // a run in progress: {state: 'sent'|'queued'|'running'|'failed', message, ahead}
  };
}

function clearStatusFor(state, replyTo) {
  if (!state.status) return state.status;
  if (replyTo === undefined || replyTo === null || state.status.replyTo === undefined || state.status.replyTo === replyTo) return null;
  return state.status;
}

function dropStreaming(items, replyTo) {
  if (replyTo === undefined || replyTo === null) return items.filter((it) => !it.streaming);
  return items.filter((it) => !(it.streaming && it.replyTo === replyTo));
}

function addCandidate(state, { kind, content, language, timestamp }, fromServer) {
  const text = String(content ?? '');
  let items = state.items;
  // A live echo of something this tab just sent: confirm instead of duplicating.
  const idx = fromServer ? items.findIndex((it) => it.local && it.who === 'candidate' && it.kind === kind && it.text === text) : -1;
  if (idx >= 0) {
    items = items.slice();
    items[idx] = { ...items[idx], local: false, at: timestamp || items[idx].at };
  } else {
    items = [
      ...items,
      { id: nextId(), who: 'candidate', kind, text, language, at: timestamp || new Date().toISOString(), local: !fromServer },
    ];
  }
  let next = { ...state, items };
  // A new interview only exists once the server confirms it with `interview`.
  if (kind === 'problem' && !fromServer) return { ...next, starting: true, problemText: text };
  if (CANDIDATE_STAGE[kind]) next.stage = maxStage(next.stage, CANDIDATE_STAGE[kind]);
  if (kind === 'problem' && !next.problemText) next.problemText = text;
  if (kind === 'code') {
    next.lastCode = { code: text, language: language || 'python' };
    if (idx < 0) next.submissions = state.submissions + 1;
  }
  if (kind === 'hint' && idx < 0) next.hints = state.hints + 1;
  return next;
}

// Apply one server frame.
export function applyServer(state, msg) {
  if (!msg || typeof msg !== 'object') return state;
  const rt = msg.reply_to;
  switch (msg.type) {
    case 'system': {
      const text = String(msg.message ?? '');
      if (state.items.some((it) => it.who === 'system' && it.text === text)) return state;
      return { ...state, items: [...state.items, { id: nextId(), who: 'system', text, at: msg.timestamp }] };
    }
    case 'interview':
      return {
        ...state,
        starting: false,
        interviewId: msg.interview_id ?? state.interviewId,
        streamId: msg.stream_id ?? state.streamId,
        phase: msg.phase ?? state.phase,
        stage: msg.phase && PHASE_TO_STAGE[msg.phase] ? maxStage(state.stage, PHASE_TO_STAGE[msg.phase]) : state.stage,
        deadline: msg.deadline ?? null,
        problemTitle: msg.problem_title ?? state.problemTitle,
        problemText: msg.problem_text ?? state.problemText,
        role: msg.role === 'watcher' || msg.role === 'operator' ? msg.role : 'candidate',
      };
    case 'ai_response_delta': {
      const delta = String(msg.delta ?? '');
      const idx = state.items.findIndex((it) => it.streaming && it.replyTo === rt);
      let items;
      if (idx >= 0) {
        items = state.items.slice();
        items[idx] = { ...items[idx], text: items[idx].text + delta };
      } else {
        items = [...state.items, { id: nextId(), who: 'coach', kind: 'stream', text: delta, replyTo: rt, streaming: true, at: new Date().toISOString() }];
      }
      const status = state.status && state.status.state === 'thinking' && (state.status.replyTo === rt || state.status.replyTo === undefined) ? null : state.status;
      return { ...state, items, status };
    }
    case 'ai_response': {
      const item = { id: nextId(), who: 'coach', kind: msg.kind || 'chat', text: String(msg.message ?? ''), replyTo: rt, at: msg.timestamp };
      const idx = rt === undefined || rt === null ? -1 : state.items.findIndex((it) => it.streaming && it.replyTo === rt);
      let items;
      if (idx >= 0) {
        items = state.items.slice();
        items[idx] = { ...item, id: items[idx].id };
      } else {
        items = [...dropStreaming(state.items, rt), item];
      }
      return { ...state, items, status: clearStatusFor(state, rt) };
    }
    case 'code_analysis': {
      const analysis = msg.analysis || {};
      const entry = { analysis, submission: msg.submission, at: msg.timestamp, replyTo: rt };
      const item = { id: nextId(), who: 'coach', kind: 'analysis', analysis, submission: msg.submission, text: '', replyTo: rt, at: msg.timestamp };
      return {
        ...state,
        items: [...dropStreaming(state.items, rt), item],
        analyses: [...state.analyses, entry],
        stage: maxStage(state.stage, 'feedback'),
        status: clearStatusFor(state, rt),
      };
    }
    case 'session_summary': {
      const summary = {
        summary: msg.summary,
        session_data: msg.session_data,
        strengths: msg.strengths,
        improvements: msg.improvements,
        rubric: msg.rubric,
        hire_signal: msg.hire_signal,
        hints_used: msg.hints_used,
        timestamp: msg.timestamp,
      };
      const item = { id: nextId(), who: 'coach', kind: 'summary', text: '', replyTo: rt, at: msg.timestamp };
      return {
        ...state,
        summary,
        items: [...dropStreaming(state.items, rt), item],
        stage: 'summarised',
        phase: 'summarised',
        status: null,
      };
    }
    case 'coach_status': {
      const st = { state: msg.state, message: String(msg.message ?? ''), replyTo: rt };
      // A retry or a failure means the text streamed so far will never be the answer
      // (a reply cut at the token limit, a loop, a broken stream): it goes.
      const drop = (msg.state === 'retrying' || msg.state === 'failed') && rt !== undefined && rt !== null;
      return { ...state, status: st, items: drop ? dropStreaming(state.items, rt) : state.items };
    }
    case 'error': {
      // An error before the interview exists: the problem was refused; let the
      // candidate edit and resend it.
      const base = state.starting
        ? { ...state, starting: false, problemText: '', items: state.items.filter((it) => !(it.local && it.who === 'candidate' && it.kind === 'problem')) }
        : state;
      return {
        ...base,
        items: [...base.items, { id: nextId(), who: 'error', text: String(msg.message ?? 'Something went wrong.'), at: msg.timestamp }],
        status: state.status && state.status.state === 'thinking' ? null : state.status,
        // A run that was refused never starts.
        runStatus: state.runStatus && state.runStatus.state === 'sent' ? null : state.runStatus,
      };
    }
    case 'candidate':
      return addCandidate(state, msg, true);
    case 'run_status':
      return { ...state, runStatus: { state: msg.state, message: String(msg.message ?? ''), ahead: msg.ahead } };
    case 'test_results': {
      if (state.runs.some((r) => r.version === msg.version)) return state;
      const entry = { run: msg.run || {}, text: String(msg.text ?? ''), version: msg.version, at: msg.timestamp };
      return { ...state, runs: [...state.runs, entry], runStatus: null };
    }
    default:
      return state; // unknown frames are ignored (forward compatible)
  }
}

// Actions: {type:'server', msg} | {type:'begin_replay'} | {type:'local', kind, content, language}
//          | {type:'retry_sent'} | {type:'run_sent'} | {type:'thinking'}
export function reduce(state, action) {
  switch (action.type) {
    case 'begin_replay': {
      const shadow = initialState(state.interviewId);
      return { ...state, shadow };
    }
    case 'server': {
      const msg = action.msg;
      if (state.shadow) {
        if (msg && msg.type === 'replay_done') {
          const s = state.shadow;
          return { ...s, shadow: null, replayed: true };
        }
        return { ...state, shadow: applyServer(state.shadow, msg) };
      }
      if (msg && msg.type === 'replay_done') return { ...state, replayed: true };
      return applyServer(state, msg);
    }
    case 'local': {
      const next = addCandidate(state, action, false);
      const waiting = ['problem', 'explanation', 'code', 'message', 'hint', 'end'].includes(action.kind);
      return waiting ? { ...next, status: { state: 'thinking', message: '', replyTo: undefined, local: true } } : next;
    }
    case 'retry_sent':
      return { ...state, status: { state: 'thinking', message: 'Retrying…', replyTo: state.status ? state.status.replyTo : undefined, local: true } };
    case 'commit_replay':
      return state.shadow ? { ...state.shadow, shadow: null, replayed: true } : state;
    case 'run_sent':
      return { ...state, runStatus: { state: 'sent', message: 'Starting the run…' } };
    case 'skip_to_coding':
      return { ...state, stage: maxStage(state.stage, 'coding') };
    case 'clear_status':
      return { ...state, status: null };
    default:
      return state;
  }
}

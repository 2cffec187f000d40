import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { wsUrl } from './api.js';
import { CodeEditor, LANGUAGES } from './CodeEditor.jsx';
import { AnalysisPanel, ErrorBox, Spinner, SummaryPanel } from './components.jsx';
import { RichText, CodeBlock, fmtTime, fmtDuration } from './format.jsx';
import { initialState, reduce } from './interviewState.js';
import { clearLastInterview, loadDraft, saveDraft, setLastInterview } from './storage.js';

const STEPS = [
  ['problem', 'Problem'],
  ['approach', 'Approach'],
  ['coding', 'Coding'],
  ['feedback', 'Feedback'],
  ['summarised', 'Summary'],
];
const STEP_INDEX = { problem: 0, approach: 1, coding: 2, feedback: 3, ended: 4, summarised: 4 };

const SAMPLE_PROBLEMS = [
  ['Two Sum', 'Two Sum: given an array of integers nums and an integer target, return the indices of the two numbers that add up to target. Each input has exactly one solution and you may not use the same element twice.'],
  ['Merge Intervals', 'Merge Intervals: given an array of intervals [start, end], merge all overlapping intervals and return an array of the non-overlapping intervals that cover all the intervals in the input.'],
  ['LRU Cache', 'LRU Cache: design a data structure with get(key) and put(key, value) in O(1) time that evicts the least recently used key when it reaches its capacity.'],
];

function useNow(active) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

// Connects to /ws (new) or /ws/{id} (resume), reconnecting with backoff.
function useInterviewSocket(resumeId, dispatch, onInterviewId) {
  const wsRef = useRef(null);
  const idRef = useRef(resumeId);
  const [conn, setConn] = useState('connecting');
  const [fatal, setFatal] = useState(null);
  const [failures, setFailures] = useState(0);
  const reconnectNow = useRef(() => {});
  const onIdRef = useRef(onInterviewId);
  onIdRef.current = onInterviewId;

  useEffect(() => {
    let stopped = false;
    let attempt = 0;
    let timer = null;
    let replayTimer = null;

    function connect() {
      clearTimeout(timer);
      if (stopped) return;
      const id = idRef.current;
      let gotInterview = false;
      let opened = false;
      let lastError = null;
      let ws;
      try {
        ws = new WebSocket(wsUrl(id));
      } catch {
        schedule();
        return;
      }
      wsRef.current = ws;
      setConn(attempt === 0 ? 'connecting' : 'reconnecting');
      ws.onopen = () => {
        if (wsRef.current !== ws) return;
        attempt = 0;
        opened = true;
        setFailures(0);
        setConn('open');
        if (id) {
          dispatch({ type: 'begin_replay' });
          clearTimeout(replayTimer);
          // Safety net: never stay hidden behind a replay that does not finish.
          replayTimer = setTimeout(() => dispatch({ type: 'commit_replay' }), 10000);
        }
      };
      ws.onmessage = (ev) => {
        if (wsRef.current !== ws) return;
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (!msg || typeof msg !== 'object') return;
        if (msg.type === 'interview' && msg.interview_id) {
          gotInterview = true;
          if (idRef.current !== msg.interview_id) {
            idRef.current = msg.interview_id;
          }
          onIdRef.current && onIdRef.current(msg.interview_id);
        }
        if (msg.type === 'error') lastError = msg.message;
        if (msg.type === 'replay_done') clearTimeout(replayTimer);
        dispatch({ type: 'server', msg });
      };
      ws.onclose = () => {
        if (wsRef.current !== ws) return;
        wsRef.current = null;
        clearTimeout(replayTimer);
        if (stopped) return;
        if (id && !gotInterview && lastError) {
          // The server refused to resume this interview: stop retrying.
          dispatch({ type: 'commit_replay' });
          setFatal(String(lastError));
          setConn('closed');
          return;
        }
        dispatch({ type: 'commit_replay' });
        if (!opened) setFailures((f) => f + 1);
        schedule();
      };
    }

    function schedule() {
      if (stopped) return;
      const delays = [500, 1000, 2000, 4000, 8000, 10000];
      const d = delays[Math.min(attempt, delays.length - 1)];
      attempt += 1;
      setConn('reconnecting');
      clearTimeout(timer);
      timer = setTimeout(connect, d);
    }

    reconnectNow.current = () => {
      if (wsRef.current && wsRef.current.readyState <= 1) return;
      attempt = 0;
      connect();
    };
    const wake = () => {
      if (document.visibilityState === 'visible') reconnectNow.current();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', wake);

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(replayTimer);
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', wake);
      const ws = wsRef.current;
      wsRef.current = null;
      if (ws) ws.close(1000, 'leaving');
    };
  }, [dispatch]);

  const send = useCallback((obj) => {
    const ws = wsRef.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }, []);

  return { conn, send, fatal, failures, reconnect: () => reconnectNow.current() };
}

function Stepper({ stage }) {
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

function ConnBadge({ conn, onReconnect }) {
  const label = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Disconnected' }[conn];
  return (
    <span className={'conn conn-' + conn} data-testid="conn-status" data-state={conn}>
      <span className="conn-dot" />
      {label}
      {conn === 'reconnecting' || conn === 'closed' ? (
        <button type="button" className="link-btn" onClick={onReconnect}>
          retry now
        </button>
      ) : null}
    </span>
  );
}

function Deadline({ deadline, stage }) {
  const active = !!deadline && stage !== 'ended' && stage !== 'summarised';
  const now = useNow(active);
  if (!active) return null;
  const end = new Date(deadline).getTime();
  if (Number.isNaN(end)) return null;
  const left = end - now;
  const cls = left <= 0 ? 'over' : left < 5 * 60 * 1000 ? 'soon' : '';
  return (
    <span className={'deadline ' + cls} data-testid="deadline" title={new Date(deadline).toLocaleString()}>
      {left <= 0 ? "Time's up" : fmtDuration(left) + ' left'}
    </span>
  );
}

function ProblemCard({ title, text, collapsible }) {
  const [open, setOpen] = useState(!collapsible);
  if (!text && !title) return null;
  return (
    <div className="card problem-card" data-testid="problem-card">
      <div className="problem-card-head">
        <h2>{title || 'Problem'}</h2>
        {collapsible ? (
          <button type="button" className="ghost small" onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide' : 'Show'}
          </button>
        ) : null}
      </div>
      {open && text ? <RichText className="problem-text" text={text} /> : null}
    </div>
  );
}

const CANDIDATE_LABEL = {
  problem: 'Problem',
  explanation: 'Approach',
  code: 'Code submission',
  message: null,
  hint: null,
  end: null,
};
const COACH_LABEL = {
  approach_feedback: 'Approach feedback',
  hint: 'Hint',
  nudge: 'Nudge',
  time_warning: 'Time check',
};

function ChatItem({ item, onShowAnalysis }) {
  if (item.who === 'system') {
    return (
      <div className="msg msg-system" data-testid="chat-message" data-who="system">
        <RichText text={item.text} />
      </div>
    );
  }
  if (item.who === 'error') {
    return (
      <div className="msg msg-error" data-testid="error-message" role="alert">
        <span className="msg-error-icon" aria-hidden="true">!</span>
        <RichText text={item.text} />
      </div>
    );
  }
  if (item.who === 'candidate') {
    if (item.kind === 'hint' || item.kind === 'end') {
      return (
        <div className="msg msg-event" data-testid="chat-message" data-who="candidate" data-kind={item.kind}>
          {item.kind === 'hint' ? 'You asked for a hint' : 'You ended the interview'}
        </div>
      );
    }
    const label = CANDIDATE_LABEL[item.kind];
    return (
      <div className="msg msg-candidate" data-testid="chat-message" data-who="candidate" data-kind={item.kind}>
        <div className="msg-meta">
          {label ? <span className="msg-tag">{label}</span> : null}
          <span className="msg-time">{fmtTime(item.at)}</span>
        </div>
        {item.kind === 'code' ? (
          <details className="code-details">
            <summary>
              {String(item.language || 'code')} · {item.text.split('\n').length} lines
            </summary>
            <CodeBlock code={item.text} language={item.language} />
          </details>
        ) : (
          <RichText text={item.text} />
        )}
      </div>
    );
  }
  // coach
  if (item.kind === 'analysis') {
    const a = item.analysis || {};
    return (
      <div className="msg msg-coach msg-analysis" data-testid="chat-message" data-who="coach" data-kind="analysis">
        <div className="msg-meta">
          <span className="msg-tag">Analysis{item.submission ? ` · #${item.submission}` : ''}</span>
          <span className="msg-time">{fmtTime(item.at)}</span>
        </div>
        <div className="analysis-mini">
          <span className="mini-score">{String(a.score ?? '—')}/10</span>
          <button type="button" className="link-btn" onClick={onShowAnalysis}>
            open analysis
          </button>
        </div>
        {a.follow_up_question ? <RichText className="follow-up-mini" text={String(a.follow_up_question)} /> : null}
      </div>
    );
  }
  if (item.kind === 'summary') {
    return (
      <div className="msg msg-event" data-testid="chat-message" data-who="coach" data-kind="summary">
        Your summary is ready
      </div>
    );
  }
  const label = COACH_LABEL[item.kind];
  return (
    <div
      className={'msg msg-coach' + (item.streaming ? ' streaming' : '') + (item.kind === 'time_warning' ? ' warn' : '')}
      data-testid="chat-message"
      data-who="coach"
      data-kind={item.kind}
      data-streaming={item.streaming ? 'true' : undefined}
    >
      <div className="msg-meta">
        <span className="msg-author">Coach</span>
        {label ? <span className="msg-tag">{label}</span> : null}
        <span className="msg-time">{fmtTime(item.at)}</span>
      </div>
      <RichText text={item.text} />
      {item.streaming ? <span className="caret" aria-hidden="true" /> : null}
    </div>
  );
}

function CoachStatus({ status, onRetry, canSend }) {
  if (!status) return null;
  if (status.state === 'failed') {
    return (
      <div className="coach-status failed" data-testid="coach-status" data-state="failed" role="alert">
        <span>{status.message || 'The coach could not answer.'}</span>
        <button type="button" className="btn small" data-testid="retry-button" onClick={onRetry} disabled={!canSend}>
          Retry
        </button>
      </div>
    );
  }
  const text = status.message || (status.state === 'retrying' ? 'The coach is busy, retrying…' : 'Coach is thinking…');
  return (
    <div className={'coach-status ' + status.state} data-testid="coach-status" data-state={status.state}>
      <span className="typing">
        <i />
        <i />
        <i />
      </span>
      <span>{text}</span>
    </div>
  );
}

export default function Runner({ resumeId, onInterviewId, onNewInterview, visible }) {
  const [state, dispatch] = useReducer(reduce, resumeId, initialState);
  const view = state;
  const editorRef = useRef(null);
  const chatEndRef = useRef(null);
  const chatListRef = useRef(null);
  const chatInputRef = useRef(null);
  const analysisRef = useRef(null);
  const summaryRef = useRef(null);
  const [problemDraft, setProblemDraft] = useState('');
  const [approachDraft, setApproachDraft] = useState('');
  const [chatDraft, setChatDraft] = useState('');
  const [language, setLanguage] = useState(() => (resumeId && loadDraft(resumeId)?.language) || 'python');
  const [localError, setLocalError] = useState(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [selectedAnalysis, setSelectedAnalysis] = useState(null);
  const restoredCode = useRef(false);

  const handleId = useCallback(
    (id) => {
      setLastInterview(id);
      onInterviewId && onInterviewId(id);
    },
    [onInterviewId],
  );
  const { conn, send, fatal, failures, reconnect } = useInterviewSocket(resumeId, dispatch, handleId);

  const replaying = !!state.shadow;
  const restoring = !!resumeId && !state.replayed && !fatal;
  const canSend = conn === 'open' && !replaying;
  const stage = view.stage;
  const interviewId = view.interviewId;
  const finished = stage === 'ended' || stage === 'summarised';

  // Forget the "resume me" pointer once the interview is summarised.
  useEffect(() => {
    if (view.summary && interviewId) clearLastInterview(interviewId);
  }, [view.summary, interviewId]);

  // Restore the code: a local draft first, otherwise the last submission.
  useEffect(() => {
    if (restoredCode.current || !interviewId || replaying) return;
    if (!state.replayed && resumeId) return;
    restoredCode.current = true;
    const d = loadDraft(interviewId);
    if (d && typeof d.code === 'string' && d.code) {
      editorRef.current && editorRef.current.setValue(d.code);
      if (d.language) setLanguage(d.language);
    } else if (view.lastCode) {
      editorRef.current && editorRef.current.setValue(view.lastCode.code);
      if (view.lastCode.language) setLanguage(view.lastCode.language);
    }
  }, [interviewId, replaying, state.replayed, resumeId, view.lastCode]);

  // Keep the chat pinned to the newest message unless the reader scrolled up.
  const stickToBottom = useRef(true);
  const autoTop = useRef(-1);
  const lastText = view.items.length ? view.items[view.items.length - 1].text : '';
  useEffect(() => {
    const list = chatListRef.current;
    if (list && stickToBottom.current) {
      list.scrollTop = list.scrollHeight;
      autoTop.current = list.scrollTop;
    }
  }, [view.items.length, lastText, view.status, localError, confirmEnd]);
  const onChatScroll = () => {
    const list = chatListRef.current;
    if (!list) return;
    // Ignore the scroll events our own pinning causes; only the reader's scrolling counts.
    if (Math.abs(list.scrollTop - autoTop.current) <= 2) return;
    stickToBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    autoTop.current = -1;
  };

  // Scroll only the stage column (never the window) to an element.
  const stageRef = useRef(null);
  const scrollStageTo = (el, smooth) => {
    const stageEl = stageRef.current;
    if (!el || !stageEl) return;
    if (stageEl.scrollHeight <= stageEl.clientHeight + 1) {
      // Narrow layout: the window scrolls, not the stage.
      el.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
      return;
    }
    const top = el.getBoundingClientRect().top - stageEl.getBoundingClientRect().top + stageEl.scrollTop - 16;
    stageEl.scrollTo({ top: Math.max(0, top), behavior: smooth ? 'smooth' : 'auto' });
  };

  // Bring a freshly arrived analysis (or the summary) into view.
  const seenAnalyses = useRef(null);
  useEffect(() => {
    if (replaying) return;
    if (seenAnalyses.current === null) {
      seenAnalyses.current = view.analyses.length;
      return;
    }
    if (view.analyses.length > seenAnalyses.current) scrollStageTo(analysisRef.current, true);
    seenAnalyses.current = view.analyses.length;
  }, [view.analyses.length, replaying]);
  useEffect(() => {
    if (view.summary) scrollStageTo(summaryRef.current, false);
  }, [view.summary]);

  useEffect(() => {
    setSelectedAnalysis(null);
  }, [view.analyses.length]);

  const doSend = (obj, local) => {
    setLocalError(null);
    if (!send(obj)) {
      setLocalError('Not connected to the server. Reconnecting…');
      reconnect();
      return false;
    }
    if (local) dispatch({ type: 'local', ...local });
    return true;
  };

  const submitProblem = (e) => {
    e && e.preventDefault();
    const content = problemDraft.trim();
    if (!content) {
      setLocalError('Describe the problem first.');
      return;
    }
    doSend({ type: 'problem_description', content }, { kind: 'problem', content });
  };

  const submitApproach = (e) => {
    e && e.preventDefault();
    const content = approachDraft.trim();
    if (!content) {
      setLocalError('Explain your approach first.');
      return;
    }
    if (doSend({ type: 'explanation', content }, { kind: 'explanation', content })) setApproachDraft('');
  };

  const submitCode = () => {
    const code = editorRef.current ? editorRef.current.getValue() : '';
    if (!code.trim()) {
      setLocalError('Please write some code first!');
      return;
    }
    doSend({ type: 'code_submission', code, language }, { kind: 'code', content: code, language });
  };

  const sendChat = (e) => {
    e && e.preventDefault();
    const content = chatDraft.trim();
    if (!content) return;
    if (doSend({ type: 'message', content }, { kind: 'message', content })) setChatDraft('');
  };

  const askHint = () => doSend({ type: 'hint' }, { kind: 'hint', content: '' });
  const endInterview = () => {
    setConfirmEnd(false);
    doSend({ type: 'end_session', content: {} }, { kind: 'end', content: '' });
  };
  const retry = () => {
    if (doSend({ type: 'retry' })) dispatch({ type: 'retry_sent' });
  };

  const onCodeChange = useCallback(
    (code) => {
      if (interviewId) saveDraft(interviewId, { code, language });
    },
    [interviewId, language],
  );
  useEffect(() => {
    if (interviewId && editorRef.current) saveDraft(interviewId, { code: editorRef.current.getValue(), language });
  }, [language, interviewId]);

  const shownAnalysis = useMemo(() => {
    if (!view.analyses.length) return null;
    const i = selectedAnalysis === null ? view.analyses.length - 1 : selectedAnalysis;
    return { ...view.analyses[i], index: i };
  }, [view.analyses, selectedAnalysis]);

  const showAnalysis = () => scrollStageTo(analysisRef.current, true);
  const focusChat = () => chatInputRef.current && chatInputRef.current.focus();

  const showEditor = stage === 'coding' || stage === 'feedback';

  return (
    <div className="runner" hidden={!visible} data-testid="runner" data-stage={stage} data-interview-id={interviewId || ''}>
      <div className="runner-bar">
        <div className="runner-title">
          <h1>{view.problemTitle || (interviewId ? 'Interview' : 'New mock interview')}</h1>
          <Deadline deadline={view.deadline} stage={stage} />
        </div>
        <Stepper stage={stage} />
        <div className="runner-actions">
          <ConnBadge conn={conn} onReconnect={reconnect} />
          {interviewId ? (
            <a className="btn ghost small" href={'#/transcript/' + encodeURIComponent(interviewId)} data-testid="transcript-link">
              Transcript
            </a>
          ) : null}
          {interviewId ? (
            <button type="button" className="btn ghost small" data-testid="new-interview" onClick={onNewInterview}>
              New interview
            </button>
          ) : null}
        </div>
      </div>

      {fatal ? (
        <ErrorBox testid="fatal-error">
          <strong>This interview cannot be resumed.</strong> <span>{fatal}</span>{' '}
          <button type="button" className="btn small" onClick={onNewInterview}>
            Start a new interview
          </button>
        </ErrorBox>
      ) : null}

      {!fatal && conn !== 'open' && failures >= 3 ? (
        <ErrorBox testid="connection-error">
          <strong>Cannot reach the interview server.</strong> Still trying to reconnect; nothing you have sent is lost.{' '}
          <button type="button" className="btn small" onClick={reconnect}>
            Retry now
          </button>
          {resumeId ? (
            <>
              {' '}
              <button type="button" className="btn ghost small" onClick={onNewInterview}>
                Start a new interview
              </button>
            </>
          ) : null}
        </ErrorBox>
      ) : null}

      <div className="runner-body">
        <main className="stage" ref={stageRef}>
          {restoring ? (
            <div className="card center-note">
              <Spinner label="Restoring your interview…" />
            </div>
          ) : null}

          {stage === 'problem' && !resumeId ? (
            <form className="card problem-form" onSubmit={submitProblem}>
              <h2>What problem are we practising?</h2>
              <p className="muted">
                Paste a problem statement or describe one in your own words. The coach plays the interviewer: it asks,
                probes and scores, but never hands you the solution.
              </p>
              <div className="chips">
                {SAMPLE_PROBLEMS.map(([name, text]) => (
                  <button key={name} type="button" className="chip" onClick={() => setProblemDraft(text)}>
                    {name}
                  </button>
                ))}
              </div>
              <textarea
                data-testid="problem-input"
                className="big-input"
                rows={8}
                placeholder="e.g. Given an array of integers and a target, return the indices of the two numbers that add up to the target…"
                value={problemDraft}
                onChange={(e) => setProblemDraft(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submitProblem(e);
                }}
              />
              <div className="form-actions">
                <span className="muted small">Ctrl+Enter to start</span>
                <button type="submit" className="btn primary" data-testid="problem-submit" disabled={!canSend || view.starting}>
                  {view.starting ? 'Starting…' : 'Start interview'}
                </button>
              </div>
            </form>
          ) : null}

          {stage !== 'problem' && !restoring ? (
            <ProblemCard title={view.problemTitle} text={view.problemText} collapsible={stage !== 'approach'} />
          ) : null}

          {stage === 'approach' ? (
            <form className="card approach-form" onSubmit={submitApproach}>
              <h2>Explain your approach</h2>
              <p className="muted">
                Before coding, talk through your plan: data structures, algorithm, complexity, edge cases.
              </p>
              <textarea
                data-testid="approach-input"
                className="big-input"
                rows={7}
                placeholder="I'd start with a brute force… then improve it by…"
                value={approachDraft}
                onChange={(e) => setApproachDraft(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submitApproach(e);
                }}
              />
              <div className="form-actions">
                <button type="button" className="btn ghost" data-testid="skip-to-coding" onClick={() => dispatch({ type: 'skip_to_coding' })}>
                  Skip to coding
                </button>
                <button type="submit" className="btn primary" data-testid="approach-submit" disabled={!canSend}>
                  Explain approach
                </button>
              </div>
            </form>
          ) : null}

          <div className="card editor-card" hidden={!showEditor}>
            <div className="editor-toolbar">
              <label className="lang-picker">
                <span>Language</span>
                <select data-testid="language-select" value={language} onChange={(e) => setLanguage(e.target.value)}>
                  {LANGUAGES.map(([id, label]) => (
                    <option key={id} value={id}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
              <span className="muted small">
                {view.submissions > 0 ? `${view.submissions} submission${view.submissions === 1 ? '' : 's'} · ` : ''}Ctrl+Enter to submit
              </span>
              <button type="button" className="btn primary" data-testid="submit-code" onClick={submitCode} disabled={!canSend}>
                Submit code
              </button>
            </div>
            {interviewId || showEditor ? (
              <CodeEditor ref={editorRef} language={language} onChange={onCodeChange} onSubmit={submitCode} testid="code-editor" />
            ) : null}
          </div>

          {stage === 'ended' && !view.summary ? (
            <div className="card center-note" data-testid="summary-pending">
              <Spinner label="The coach is writing your summary…" />
            </div>
          ) : null}

          {view.summary ? (
            <>
              <div ref={summaryRef} />
              <SummaryPanel summary={view.summary} />
              <div className="summary-actions">
                <a className="btn" href={'#/transcript/' + encodeURIComponent(interviewId || '')} data-testid="summary-transcript-link">
                  Open the full transcript
                </a>
                <button type="button" className="btn primary" onClick={onNewInterview}>
                  Start a new interview
                </button>
              </div>
            </>
          ) : null}

          {shownAnalysis ? (
            <div ref={analysisRef} className="analysis-wrap">
              {view.analyses.length > 1 ? (
                <div className="tabs" role="tablist">
                  {view.analyses.map((a, i) => (
                    <button
                      key={i}
                      type="button"
                      role="tab"
                      className={'tab' + (i === shownAnalysis.index ? ' active' : '')}
                      onClick={() => setSelectedAnalysis(i)}
                    >
                      #{a.submission || i + 1} · {String(a.analysis?.score ?? '—')}/10
                    </button>
                  ))}
                </div>
              ) : null}
              <AnalysisPanel analysis={shownAnalysis.analysis} submission={shownAnalysis.submission} />
              {!finished ? (
                <div className="answer-follow-up">
                  <button type="button" className="btn ghost small" onClick={focusChat}>
                    Answer the follow-up in the chat →
                  </button>
                </div>
              ) : null}
            </div>
          ) : null}
        </main>

        <aside className="chat" data-testid="chat">
          <div className="chat-head">
            <h2>Coach</h2>
            {view.hints > 0 ? <span className="muted small">{view.hints} hint{view.hints === 1 ? '' : 's'} used</span> : null}
          </div>
          <div className="chat-list" ref={chatListRef} onScroll={onChatScroll} data-testid="chat-list">
            {view.items.map((it) => (
              <ChatItem key={it.id} item={it} onShowAnalysis={showAnalysis} />
            ))}
            {localError ? (
              <div className="msg msg-error" data-testid="error-message" role="alert">
                <span className="msg-error-icon" aria-hidden="true">!</span>
                <span>{localError}</span>
              </div>
            ) : null}
            <div ref={chatEndRef} />
          </div>
          <CoachStatus status={view.status} onRetry={retry} canSend={canSend} />
          {confirmEnd ? (
            <div className="end-confirm" data-testid="end-confirm-bar">
              <span>End the interview and get your summary?</span>
              <div>
                <button type="button" className="btn ghost small" onClick={() => setConfirmEnd(false)}>
                  Keep going
                </button>
                <button type="button" className="btn danger small" data-testid="end-confirm" onClick={endInterview}>
                  End interview
                </button>
              </div>
            </div>
          ) : null}
          <form className="composer" onSubmit={sendChat}>
            <textarea
              ref={chatInputRef}
              data-testid="chat-input"
              rows={2}
              placeholder={
                stage === 'problem' ? 'Describe the problem to start…' : finished ? 'The interview has ended.' : 'Message the coach… (Enter to send)'
              }
              value={chatDraft}
              disabled={stage === 'problem' || finished}
              onChange={(e) => setChatDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) sendChat(e);
              }}
            />
            <div className="composer-actions">
              <button type="button" className="btn ghost small" data-testid="hint-button" onClick={askHint} disabled={!canSend || stage === 'problem' || finished}>
                Hint
              </button>
              <button
                type="button"
                className="btn ghost small danger-text"
                data-testid="end-button"
                onClick={() => setConfirmEnd(true)}
                disabled={!canSend || stage === 'problem' || finished}
              >
                End
              </button>
              <span className="spacer" />
              <button type="submit" className="btn primary small" data-testid="chat-send" disabled={!canSend || stage === 'problem' || finished || !chatDraft.trim()}>
                Send
              </button>
            </div>
          </form>
        </aside>
      </div>
    </div>
  );
}

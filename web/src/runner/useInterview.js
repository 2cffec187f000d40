// The interview session: the pure reducer (interviewState.js) fed by the socket
// (useInterviewSocket), the flags derived from it, and the candidate's commands. Each
// command sends one client frame and echoes it locally; it returns true when it was sent.
import { useCallback, useEffect, useReducer, useState } from 'react';
import { initialState, reduce } from '../interviewState.js';
import { clearLastInterview, setLastInterview } from '../storage.js';
import { useInterviewSocket } from './useInterviewSocket.js';

export function useInterview(resumeId, onInterviewId) {
  const [view, dispatch] = useReducer(reduce, resumeId, initialState);
  const [localError, setLocalError] = useState(null);
  const handleId = useCallback(
    (id) => {
      setLastInterview(id);
      if (onInterviewId) onInterviewId(id);
    },
    [onInterviewId],
  );
  const { conn, send, fatal, failures, reconnect } = useInterviewSocket(resumeId, dispatch, handleId);

  const interviewId = view.interviewId;
  const stage = view.stage;
  const replaying = !!view.shadow;
  const watching = view.role === 'watcher';

  // Forget the "resume me" pointer once the interview is summarised.
  useEffect(() => {
    if (view.summary && interviewId) clearLastInterview(interviewId);
  }, [view.summary, interviewId]);

  const doSend = (frame, local) => {
    setLocalError(null);
    if (!send(frame)) {
      setLocalError('Not connected to the server. Reconnecting…');
      reconnect();
      return false;
    }
    if (local) dispatch({ type: 'local', ...local });
    return true;
  };
  const refuse = (message) => {
    setLocalError(message);
    return false;
  };

  const commands = {
    problem(text) {
      const content = text.trim();
      if (!content) return refuse('Describe the problem first.');
      return doSend({ type: 'problem_description', content }, { kind: 'problem', content });
    },
    approach(text) {
      const content = text.trim();
      if (!content) return refuse('Explain your approach first.');
      return doSend({ type: 'explanation', content }, { kind: 'explanation', content });
    },
    code(code, language) {
      if (!code.trim()) return refuse('Please write some code first!');
      return doSend({ type: 'code_submission', code, language }, { kind: 'code', content: code, language });
    },
    message(text) {
      const content = text.trim();
      if (!content) return false;
      return doSend({ type: 'message', content }, { kind: 'message', content });
    },
    // Extension: start on a bank problem ({problem_id} or {difficulty, topic} or {surprise}).
    pick(choice) {
      return doSend({ type: 'problem_description', content: '', ...choice }, { kind: 'problem', content: '' });
    },
    // Extension: run the code on the problem's tests, or on a custom input (JSON text).
    run(code, language, customInput) {
      if (!code.trim()) return refuse('Please write some code first!');
      const frame = { type: 'run_code', code, language };
      const input = (customInput || '').trim();
      if (input) frame.custom_input = input;
      if (!doSend(frame)) return false;
      dispatch({ type: 'run_sent' });
      return true;
    },
    hint: () => doSend({ type: 'hint' }, { kind: 'hint', content: '' }),
    end: () => doSend({ type: 'end_session', content: {} }, { kind: 'end', content: '' }),
    retry: () => {
      if (doSend({ type: 'retry' })) dispatch({ type: 'retry_sent' });
    },
    skipToCoding: () => dispatch({ type: 'skip_to_coding' }),
  };

  return {
    view,
    stage,
    interviewId,
    finished: stage === 'ended' || stage === 'summarised',
    replaying,
    restoring: !!resumeId && !view.replayed && !fatal,
    canSend: conn === 'open' && !replaying && !watching,
    watching,
    conn,
    fatal,
    failures,
    reconnect,
    localError,
    commands,
  };
}

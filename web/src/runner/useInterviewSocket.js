// The interview's WebSocket (docs/WEB-API.md): connects to /ws (new) or /ws/{id} (resume),
// feeds every frame to the reducer, reconnects with backoff, and sends JSON frames.
import { useCallback, useEffect, useRef, useState } from 'react';
import { wsUrl } from '../api.js';

const DELAYS = [500, 1000, 2000, 4000, 8000, 10000];

export function useInterviewSocket(resumeId, dispatch, onInterviewId) {
  const wsRef = useRef(null);
  const idRef = useRef(resumeId);
  const [conn, setConn] = useState('connecting');
  const [fatal, setFatal] = useState(null);
  const [failures, setFailures] = useState(0);
  const reconnectNow = useRef(() => {});
  const onIdRef = useRef(onInterviewId);
  useEffect(() => {
    onIdRef.current = onInterviewId;
  }, [onInterviewId]);

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
          idRef.current = msg.interview_id;
          if (onIdRef.current) onIdRef.current(msg.interview_id);
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
        dispatch({ type: 'commit_replay' });
        if (id && !gotInterview && lastError) {
          // The server refused to resume this interview: stop retrying.
          setFatal(String(lastError));
          setConn('closed');
          return;
        }
        if (!opened) setFailures((f) => f + 1);
        schedule();
      };
    }

    function schedule() {
      if (stopped) return;
      const d = DELAYS[Math.min(attempt, DELAYS.length - 1)];
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
  const reconnect = useCallback(() => reconnectNow.current(), []);

  return { conn, send, fatal, failures, reconnect };
}

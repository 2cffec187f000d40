import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './api.js'; // captures ?token= before anything else runs
import InterviewList from './InterviewList.jsx';
import Progress from './Progress.jsx';
import Runner from './Runner.jsx';
import { clearLastInterview, getLastInterview } from './storage.js';
import Transcript from './Transcript.jsx';
import './styles.css';

// Hash routes: #/  #/new  #/interview/{id}  #/interviews  #/transcript/{id}  #/member/{id}
// Path route:  /share/<token>  (served by the server; read-only transcript)
function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, q = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  return { name: parts[0] || '', id: parts[1] || null, query: new URLSearchParams(q), raw };
}

function navigate(hash) {
  if (window.location.hash !== hash) window.location.hash = hash;
}

function Brand() {
  return (
    <a className="brand" href="#/">
      <span className="brand-mark" aria-hidden="true">
        <svg viewBox="0 0 32 32" width="22" height="22">
          <rect width="32" height="32" rx="7" fill="#6d5dfc" />
          <path d="M9 11h14M9 16h10M9 21h6" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
        </svg>
      </span>
      <span>Interview Coach</span>
    </a>
  );
}

function SharedPage({ token }) {
  return (
    <div className="app">
      <header className="topbar">
        <Brand />
      </header>
      <div className="content">
        <Transcript shareToken={token} />
      </div>
    </div>
  );
}

function App() {
  const [route, setRoute] = useState(parseHash);
  const [runner, setRunner] = useState(null); // {key, resumeId}
  const [activeId, setActiveId] = useState(null);
  const activeIdRef = useRef(null);
  const counter = useRef(0);

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const isRunnerRoute = route.name === '' || route.name === 'new' || route.name === 'interview';

  useEffect(() => {
    if (route.name === 'new') {
      clearLastInterview();
      counter.current += 1;
      activeIdRef.current = null;
      setActiveId(null);
      setRunner({ key: 'new' + counter.current, resumeId: null });
      window.history.replaceState(null, '', '#/');
      setRoute(parseHash());
      return;
    }
    if (route.name === 'interview' && route.id) {
      if (!runner || activeIdRef.current !== route.id) {
        counter.current += 1;
        activeIdRef.current = route.id;
        setActiveId(route.id);
        setRunner({ key: 'r' + counter.current, resumeId: route.id });
      }
      return;
    }
    if (route.name === '') {
      if (runner) return;
      const last = getLastInterview();
      if (last) {
        window.history.replaceState(null, '', '#/interview/' + encodeURIComponent(last));
        setRoute(parseHash());
        return;
      }
      counter.current += 1;
      setRunner({ key: 'new' + counter.current, resumeId: null });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route.raw]);

  const onInterviewId = useCallback((id) => {
    activeIdRef.current = id;
    setActiveId(id);
    const cur = parseHash();
    if (cur.name === '' || cur.name === 'interview') {
      const h = '#/interview/' + encodeURIComponent(id);
      if (window.location.hash !== h) {
        window.history.replaceState(null, '', h);
        setRoute(parseHash());
      }
    }
  }, []);

  const onNewInterview = useCallback(() => {
    clearLastInterview();
    navigate('#/new');
  }, []);

  let page = null;
  if (route.name === 'interviews') page = <InterviewList query={route.query} navigate={navigate} />;
  else if (route.name === 'transcript' && route.id) page = <Transcript key={route.id} interviewId={route.id} />;
  else if (route.name === 'member' && route.id) page = <Progress key={route.id} memberId={route.id} />;
  else if (!isRunnerRoute)
    page = (
      <div className="page card center-note">
        <p>Page not found.</p>
        <a className="btn" href="#/">
          Go to the interview
        </a>
      </div>
    );

  const interviewHref = activeId ? '#/interview/' + encodeURIComponent(activeId) : '#/';
  return (
    <div className={'app' + (isRunnerRoute ? ' app-runner' : '')}>
      <header className="topbar">
        <Brand />
        <nav className="nav">
          <a href={interviewHref} className={isRunnerRoute ? 'active' : ''} data-testid="nav-interview">
            Interview
          </a>
          <a href="#/interviews" className={route.name === 'interviews' ? 'active' : ''} data-testid="nav-interviews">
            Interviews
          </a>
        </nav>
      </header>
      <div className="content">
        {runner ? (
          <Runner
            key={runner.key}
            resumeId={runner.resumeId}
            visible={isRunnerRoute}
            onInterviewId={onInterviewId}
            onNewInterview={onNewInterview}
          />
        ) : null}
        {page}
      </div>
    </div>
  );
}

const path = window.location.pathname;
const root = createRoot(document.getElementById('root'));
if (path.startsWith('/share/')) {
  let token = path.slice('/share/'.length).replace(/\/+$/, '');
  try {
    token = decodeURIComponent(token);
  } catch {
    /* keep raw */
  }
  root.render(
    <StrictMode>
      <SharedPage token={token} />
    </StrictMode>,
  );
} else {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

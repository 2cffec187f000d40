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
function parseHash(hash = window.location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
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

const interviewHash = (id) => '#/interview/' + encodeURIComponent(id);

// The app state a route leads to: the route shown, the (kept-alive) runner {key, resumeId}
// and the interview it shows. Pure; `replace` is the hash the route must be rewritten to,
// `clearLast` asks to forget the last interview. `last` is the stored last interview id.
function routeApp(prev, route, last) {
  if (route.name === 'new') {
    const counter = prev.counter + 1;
    const runner = { key: 'new' + counter, resumeId: null };
    return { app: { route: parseHash('#/'), runner, activeId: null, counter }, replace: '#/', clearLast: true };
  }
  if (route.name === 'interview' && route.id) {
    if (prev.runner && prev.activeId === route.id) return { app: { ...prev, route } };
    const counter = prev.counter + 1;
    return { app: { route, runner: { key: 'r' + counter, resumeId: route.id }, activeId: route.id, counter } };
  }
  if (route.name === '' && !prev.runner) {
    if (last) {
      const next = routeApp(prev, parseHash(interviewHash(last)), null);
      return { ...next, replace: interviewHash(last) };
    }
    const counter = prev.counter + 1;
    return { app: { ...prev, route, runner: { key: 'new' + counter, resumeId: null }, counter } };
  }
  return { app: { ...prev, route } };
}

// Applies routeApp's side effects (history, storage) and returns the new app state.
function enterRoute(prev) {
  const route = parseHash();
  const { app, replace, clearLast } = routeApp(prev, route, route.name === '' && !prev.runner ? getLastInterview() : null);
  if (clearLast) clearLastInterview();
  if (replace && window.location.hash !== replace) window.history.replaceState(null, '', replace);
  return app;
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
      <header className="topbar" data-testid="topbar">
        <Brand />
      </header>
      <div className="content">
        <Transcript shareToken={token} />
      </div>
    </div>
  );
}

function App() {
  const [app, setApp] = useState(() => enterRoute({ route: null, runner: null, activeId: null, counter: 0 }));
  // The latest state for the handlers below (hashchange, the runner's new interview id).
  const appRef = useRef(app);
  const commit = useCallback((next) => {
    appRef.current = next;
    setApp(next);
  }, []);
  const { route, runner, activeId } = app;

  useEffect(() => {
    const onHash = () => commit(enterRoute(appRef.current));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [commit]);

  const isRunnerRoute = route.name === '' || route.name === 'new' || route.name === 'interview';

  const onInterviewId = useCallback(
    (id) => {
      const cur = parseHash();
      let nextRoute = appRef.current.route;
      if (cur.name === '' || cur.name === 'interview') {
        const h = interviewHash(id);
        if (window.location.hash !== h) window.history.replaceState(null, '', h);
        nextRoute = parseHash();
      }
      commit({ ...appRef.current, activeId: id, route: nextRoute });
    },
    [commit],
  );

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

  const interviewHref = activeId ? interviewHash(activeId) : '#/';
  return (
    <div className={'app' + (isRunnerRoute ? ' app-runner' : '')}>
      <header className="topbar" data-testid="topbar">
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

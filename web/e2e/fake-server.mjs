// TEST FAKE — not the product. A tiny stand-in for the Rust server so the web
// page can be developed and tested before the real one exists. It serves
// web/dist with the production CSP header and speaks docs/WEB-API.md with
// canned coach replies. In CI it is replaced by the real server (BASE_URL).
//
// Usage: node e2e/fake-server.mjs [--port 8000] [--host 127.0.0.1] [--token SECRET]
//   or   import { startFakeServer } from './fake-server.mjs'
//
// Test switches (fake only): a candidate message containing "[fail]" makes the
// coach fail (coach_status retrying, then failed) until the page sends `retry`.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; font-src 'self' data:";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const now = () => new Date().toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function mkRubric(c, p, t, te, why = '') {
  return {
    communication: { score: c, evidence: `Explained the plan step by step${why}.` },
    problem_solving: { score: p, evidence: 'Moved from brute force to a hash map without prompting.' },
    technical_competency: { score: t, evidence: 'Idiomatic code, correct use of the standard library.' },
    testing: { score: te, evidence: 'Walked through one example; did not test empty input.' },
  };
}

export function createState() {
  const interviews = new Map();
  const shares = new Map();
  let streamSeq = 0;

  function newInterview({ platform = 'web', place = 'web', candidate, title, statement, startedAt }) {
    const id = randomUUID();
    const iv = {
      interview_id: id,
      stream_id: `interview-${++streamSeq}`,
      platform,
      place,
      candidate: candidate || { id: 'web:guest', name: 'Web guest' },
      problem: { title, statement },
      phase: 'problem',
      started_at: startedAt || now(),
      ended_at: null,
      last_score: null,
      submissions: 0,
      hints_used: 0,
      deadline: new Date(Date.now() + 45 * 60 * 1000).toISOString(),
      entries: [],
      version: 0,
      sockets: new Set(),
      failed: null, // the failed coach turn, until `retry`
      meta: new Map(), // entry version -> {reply_to, submission} (not part of Entry)
    };
    interviews.set(id, iv);
    return iv;
  }

  // Seed: a few Discord / Slack interviews so the list and charts have data.
  const maya = { id: 'discord:1001', name: 'Maya' };
  const omar = { id: 'slack:U42', name: 'Omar' };
  const seeds = [
    [maya, 'discord', 'Study Group #mock-interviews', 'Merge Intervals', 5, [2, 2, 3, 1], 12],
    [maya, 'discord', 'Study Group #mock-interviews', 'Two Sum', 6, [3, 2, 3, 2], 9],
    [omar, 'slack', 'Acme #interview-practice', 'LRU Cache', 7, [3, 3, 3, 2], 7],
    [maya, 'discord', 'Study Group #mock-interviews', 'Top K Frequent', 8, [3, 4, 3, 3], 3],
  ];
  for (const [cand, platform, place, title, score, r, daysAgo] of seeds) {
    const t0 = Date.now() - daysAgo * 86400000;
    const iv = newInterview({
      platform,
      place,
      candidate: cand,
      title,
      statement: `${title}: a classic interview problem.`,
      startedAt: new Date(t0).toISOString(),
    });
    const at = (m) => new Date(t0 + m * 60000).toISOString();
    const push = (e) => iv.entries.push({ version: ++iv.version, ...e });
    push({ type: 'interview_started', at: at(0), actor: cand, text: `${title}: a classic interview problem.` });
    push({ type: 'approach_explained', at: at(3), actor: cand, text: 'Sort first, then sweep once.' });
    push({ type: 'coach_replied', at: at(4), actor: null, kind: 'approach_feedback', text: 'Good. What is the complexity of the sort?' });
    push({ type: 'code_submitted', at: at(20), actor: cand, code: 'def solve(xs):\n    return sorted(xs)', language: 'python' });
    push({
      type: 'code_analyzed',
      at: at(21),
      actor: null,
      analysis: {
        technical_feedback: 'Works on the examples.',
        complexity_analysis: 'Time O(n log n), space O(n).',
        code_quality: 'Readable.',
        follow_up_question: 'How would you handle a stream?',
        score,
        correctness: 'Correct on all examples.',
        rubric: mkRubric(...r),
      },
    });
    iv.submissions = 1;
    iv.last_score = score;
    if (daysAgo > 5) {
      push({ type: 'interview_ended', at: at(30), actor: cand });
      iv.phase = 'summarised';
      iv.ended_at = at(30);
    } else {
      iv.phase = 'feedback';
    }
  }

  return { interviews, shares, newInterview };
}

function row(iv) {
  return {
    interview_id: iv.interview_id,
    stream_id: iv.stream_id,
    platform: iv.platform,
    place: iv.place,
    candidate: iv.candidate,
    problem_title: iv.problem.title,
    phase: iv.phase,
    started_at: iv.started_at,
    ended_at: iv.ended_at,
    last_score: iv.last_score,
    submissions: iv.submissions,
    hints_used: iv.hints_used,
  };
}

function transcript(iv) {
  return { interview: row(iv), problem: iv.problem, entries: iv.entries };
}

function titleOf(text) {
  const first = text.split('\n')[0].trim();
  const colon = first.indexOf(':');
  if (colon > 0 && colon <= 40) return first.slice(0, colon).trim();
  const words = first.split(/\s+/).slice(0, 6).join(' ');
  return words.length > 48 ? words.slice(0, 48) + '…' : words || 'Custom problem';
}

export async function startFakeServer({ port = 8000, host = '127.0.0.1', dist = resolve(HERE, '..', 'dist'), token = '', delay = 12 } = {}) {
  const state = createState();
  const sseClients = new Set();

  const authorized = (req, url) => {
    if (!token) return true;
    const h = req.headers.authorization || '';
    return h === `Bearer ${token}` || url.searchParams.get('token') === token;
  };

  function publish(iv, entry) {
    const ev = { stream_id: iv.stream_id, interview_id: iv.interview_id, version: entry.version, type: entry.type, at: entry.at };
    for (const res of sseClients) res.write(`data: ${JSON.stringify(ev)}\n\n`);
  }

  function append(iv, e) {
    const entry = { version: ++iv.version, at: now(), ...e };
    iv.entries.push(entry);
    publish(iv, entry);
    return entry;
  }

  function broadcast(iv, frame, except) {
    const s = JSON.stringify(frame);
    for (const ws of iv.sockets) if (ws !== except && ws.readyState === 1) ws.send(s);
  }

  async function stream(iv, replyTo, text) {
    const chunks = text.match(/[\s\S]{1,14}/g) || [];
    for (const c of chunks) {
      broadcast(iv, { type: 'ai_response_delta', reply_to: replyTo, delta: c });
      await sleep(delay);
    }
  }

  async function coachReply(iv, replyTo, kind, text) {
    broadcast(iv, { type: 'coach_status', state: 'thinking', message: 'The coach is thinking…', reply_to: replyTo });
    await sleep(delay * 4);
    await stream(iv, replyTo, text);
    const e = append(iv, { type: 'coach_replied', actor: null, kind, text });
    iv.meta.set(e.version, { reply_to: replyTo });
    broadcast(iv, { type: 'ai_response', message: text, timestamp: now(), reply_to: replyTo, kind });
  }

  async function analyse(iv, replyTo, code, language) {
    broadcast(iv, { type: 'coach_status', state: 'thinking', message: 'Reading your code…', reply_to: replyTo });
    await sleep(delay * 4);
    await stream(iv, replyTo, 'Reviewing your submission… ');
    const lines = code.split('\n').length;
    const score = Math.max(3, Math.min(9, 4 + Math.round(lines / 2)));
    const analysis = {
      technical_feedback: `Your ${language} solution uses a single pass with a hash map, which is the right idea. It returns as soon as the complement is found.`,
      complexity_analysis: 'Time: O(n) — one pass over the array. Space: O(n) for the map.',
      code_quality: 'Clear names and a compact loop. Consider a docstring and an explicit return for the no-solution case.',
      follow_up_question: 'How would your solution change if the input array were sorted? Could you do it in O(1) extra space?',
      score,
      correctness: 'Correct on the examples; returns None when no pair exists (state that assumption).',
      rubric: mkRubric(3, 3, 3, 2),
    };
    iv.submissions += 1;
    iv.last_score = score;
    iv.phase = 'feedback';
    const e = append(iv, { type: 'code_analyzed', actor: null, analysis });
    iv.meta.set(e.version, { reply_to: replyTo, submission: iv.submissions });
    broadcast(iv, { type: 'code_analysis', analysis, timestamp: now(), reply_to: replyTo, submission: iv.submissions });
  }

  async function summarise(iv, replyTo) {
    broadcast(iv, { type: 'coach_status', state: 'thinking', message: 'Writing your summary…', reply_to: replyTo });
    await sleep(delay * 4);
    const started = new Date(iv.started_at).getTime();
    const mins = Math.max(1, Math.round((Date.now() - started) / 60000));
    const summary = {
      summary: 'Solid session. You clarified the problem, proposed a hash-map approach, and implemented it cleanly. Testing was the weakest area: walk through edge cases out loud before submitting.',
      strengths: ['Clear explanation of the approach before coding', 'Correct O(n) solution on the first submission'],
      improvements: ['Test edge cases (empty input, duplicates) before submitting', 'State assumptions explicitly'],
      rubric: mkRubric(3, 3, 3, 2),
      hire_signal: 'lean_yes',
      hints_used: iv.hints_used,
      session_data: { duration: `${mins} minute${mins === 1 ? '' : 's'}`, submissions: iv.submissions },
    };
    await stream(iv, replyTo, 'Summarising the interview… ');
    iv.phase = 'summarised';
    const e = append(iv, { type: 'summary_written', actor: null, summary });
    iv.meta.set(e.version, { reply_to: replyTo });
    broadcast(iv, { type: 'session_summary', ...summary, timestamp: now(), reply_to: replyTo });
  }

  async function runTurn(iv, turn) {
    const { replyTo, kind, text } = turn;
    if (kind === 'analysis') return analyse(iv, replyTo, turn.code, turn.language);
    if (kind === 'summary') return summarise(iv, replyTo);
    return coachReply(iv, replyTo, kind, text);
  }

  async function failTurn(iv, turn) {
    broadcast(iv, { type: 'coach_status', state: 'retrying', message: 'The coach is busy, retrying…', reply_to: turn.replyTo });
    await sleep(delay * 6);
    iv.failed = turn;
    append(iv, { type: 'coach_failed', actor: null, error: 'The coach is overloaded.' });
    broadcast(iv, { type: 'coach_status', state: 'failed', message: 'The coach is busy right now. Press Retry in a minute.', reply_to: turn.replyTo });
  }

  function replay(ws, iv) {
    const send = (f) => ws.send(JSON.stringify(f));
    for (const e of iv.entries) {
      const base = { timestamp: e.at };
      const meta = iv.meta.get(e.version) || {};
      switch (e.type) {
        case 'interview_started':
          send({ type: 'candidate', kind: 'problem', content: e.text, ...base });
          break;
        case 'approach_explained':
          send({ type: 'candidate', kind: 'explanation', content: e.text, ...base });
          break;
        case 'code_submitted':
          send({ type: 'candidate', kind: 'code', content: e.code, language: e.language, ...base });
          break;
        case 'candidate_message':
          send({ type: 'candidate', kind: 'message', content: e.text, ...base });
          break;
        case 'hint_requested':
          send({ type: 'candidate', kind: 'hint', content: '', ...base });
          break;
        case 'interview_ended':
          send({ type: 'candidate', kind: 'end', content: '', ...base });
          break;
        case 'coach_replied':
          send({ type: 'ai_response', message: e.text, kind: e.kind || 'chat', reply_to: meta.reply_to, ...base });
          break;
        case 'code_analyzed':
          send({ type: 'code_analysis', analysis: e.analysis, reply_to: meta.reply_to, submission: meta.submission, ...base });
          break;
        case 'summary_written':
          send({ type: 'session_summary', ...e.summary, reply_to: meta.reply_to, ...base });
          break;
        default:
          break;
      }
    }
    send({ type: 'replay_done' });
    if (iv.failed) send({ type: 'coach_status', state: 'failed', message: 'The coach is busy right now. Press Retry in a minute.', reply_to: iv.failed.replyTo });
  }

  async function onFrame(ws, conn, msg) {
    const err = (message) => ws.send(JSON.stringify({ type: 'error', message, timestamp: now() }));
    let iv = conn.iv;
    if (msg.type === 'problem_description') {
      if (iv) return err('This interview already has a problem.');
      const text = String(msg.content ?? '').trim();
      if (!text) return err('Please describe the problem first.');
      iv = state.newInterview({ title: titleOf(text), statement: text });
      iv.sockets.add(ws);
      conn.iv = iv;
      const e = append(iv, { type: 'interview_started', actor: iv.candidate, text });
      iv.phase = 'approach';
      ws.send(JSON.stringify({ type: 'interview', interview_id: iv.interview_id, stream_id: iv.stream_id, phase: iv.phase, deadline: iv.deadline, problem_title: iv.problem.title }));
      const reply = `Thanks — let's work on **${iv.problem.title}**.\n\nYou wrote:\n${text.slice(0, 400)}\n\nBefore any code: how would you approach it? Walk me through your idea and its complexity.`;
      return coachReply(iv, e.version, 'chat', reply);
    }
    if (!iv) return err('Describe the problem first to start the interview.');
    if (iv.phase === 'ended' || iv.phase === 'summarised') {
      if (msg.type !== 'end_session') return err('This interview has ended.');
    }
    switch (msg.type) {
      case 'explanation': {
        const text = String(msg.content ?? '').trim();
        if (!text) return err('Please explain your approach first.');
        const e = append(iv, { type: 'approach_explained', actor: iv.candidate, text });
        broadcast(iv, { type: 'candidate', kind: 'explanation', content: text, timestamp: e.at }, ws);
        iv.phase = 'coding';
        return coachReply(
          iv,
          e.version,
          'approach_feedback',
          'A hash map from value to index gives you O(n). Good.\n\nOne probe: what happens with duplicate values, e.g. `[3, 3]` and target `6`? Go ahead and code it.',
        );
      }
      case 'code_submission': {
        const code = String(msg.code ?? '');
        const language = String(msg.language || 'python');
        if (!code.trim()) return err('Please write some code first!');
        const e = append(iv, { type: 'code_submitted', actor: iv.candidate, code, language });
        broadcast(iv, { type: 'candidate', kind: 'code', content: code, language, timestamp: e.at }, ws);
        return analyse(iv, e.version, code, language);
      }
      case 'message': {
        const text = String(msg.content ?? '').trim();
        if (!text) return err('Empty message.');
        const e = append(iv, { type: 'candidate_message', actor: iv.candidate, text });
        broadcast(iv, { type: 'candidate', kind: 'message', content: text, timestamp: e.at }, ws);
        const turn = { replyTo: e.version, kind: 'chat', text: `Good point. You said: ${text.slice(0, 300)}\n\nCan you also say how you would test it?` };
        if (text.includes('[fail]')) return failTurn(iv, turn);
        return runTurn(iv, turn);
      }
      case 'hint': {
        iv.hints_used += 1;
        const e = append(iv, { type: 'hint_requested', actor: iv.candidate });
        broadcast(iv, { type: 'candidate', kind: 'hint', content: '', timestamp: e.at }, ws);
        return coachReply(iv, e.version, 'hint', 'Hint: for each number `x`, the partner you need is `target - x`. Where could you look that up in O(1)?');
      }
      case 'retry': {
        const turn = iv.failed;
        if (!turn) return err('Nothing to retry.');
        iv.failed = null;
        return runTurn(iv, turn);
      }
      case 'end_session': {
        if (iv.phase === 'summarised') return err('This interview has already ended.');
        iv.phase = 'ended';
        iv.ended_at = now();
        const e = append(iv, { type: 'interview_ended', actor: iv.candidate });
        broadcast(iv, { type: 'candidate', kind: 'end', content: '', timestamp: e.at }, ws);
        return summarise(iv, e.version);
      }
      default:
        return err(`Unknown message type: ${String(msg.type).slice(0, 40)}`);
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  wss.on('connection', (ws, req, resumeId) => {
    const conn = { iv: null };
    const send = (f) => ws.send(JSON.stringify(f));
    if (resumeId) {
      const iv = state.interviews.get(resumeId);
      if (!iv) {
        send({ type: 'error', message: 'Interview not found.', timestamp: now() });
        ws.close(4404, 'not found');
        return;
      }
      conn.iv = iv;
      iv.sockets.add(ws);
      send({ type: 'system', message: 'Welcome back! Picking up where you left off.', timestamp: now() });
      send({ type: 'interview', interview_id: iv.interview_id, stream_id: iv.stream_id, phase: iv.phase, deadline: iv.deadline, problem_title: iv.problem.title });
      replay(ws, iv);
    } else {
      send({
        type: 'system',
        message: "Welcome! I'm your AI interview coach. Describe the problem you want to practise, then we'll go through your approach, your code and a summary.",
        timestamp: now(),
      });
    }
    let chain = Promise.resolve();
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        send({ type: 'error', message: 'Invalid JSON.', timestamp: now() });
        return;
      }
      chain = chain.then(() => onFrame(ws, conn, msg)).catch((e) => console.error('[fake] frame error', e));
    });
    ws.on('close', () => conn.iv && conn.iv.sockets.delete(ws));
  });

  async function serveStatic(req, res, url) {
    let p = decodeURIComponent(url.pathname);
    const root = resolve(dist);
    let file = normalize(join(root, p));
    if (!file.startsWith(root)) file = join(root, 'index.html');
    let st = null;
    try {
      st = await stat(file);
      if (st.isDirectory()) {
        file = join(file, 'index.html');
        st = await stat(file);
      }
    } catch {
      st = null;
    }
    // SPA fallback: /share/<token> and other extension-less paths get index.html.
    if (!st) {
      if (extname(p) && !p.startsWith('/share/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
      }
      file = join(root, 'index.html');
    }
    let body;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      return res.end('dist/ is missing: run `npm run build` first');
    }
    const ext = extname(file);
    res.writeHead(200, {
      'Content-Type': MIME[ext] || 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(body);
  }

  const json = (res, code, obj) => {
    res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(obj));
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    try {
      if (p === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end('ok');
      }
      if (p.startsWith('/api/')) {
        const shareGet = req.method === 'GET' && p.startsWith('/api/share/');
        if (!shareGet && !authorized(req, url)) return json(res, 401, { error: 'unauthorized' });
        if (p === '/api/live' && req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
          res.write(': hello\n\n');
          sseClients.add(res);
          const ka = setInterval(() => res.write(': ka\n\n'), 15000);
          req.on('close', () => {
            clearInterval(ka);
            sseClients.delete(res);
          });
          return;
        }
        if (p === '/api/interviews' && req.method === 'GET') {
          const q = url.searchParams;
          let rows = [...state.interviews.values()].map(row);
          if (q.get('platform')) rows = rows.filter((r) => r.platform === q.get('platform'));
          if (q.get('place')) rows = rows.filter((r) => r.place.toLowerCase().includes(q.get('place').toLowerCase()));
          if (q.get('member')) rows = rows.filter((r) => r.candidate.id === q.get('member'));
          if (q.get('phase')) rows = rows.filter((r) => r.phase === q.get('phase'));
          rows.sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
          const limit = Number(q.get('limit')) || 50;
          return json(res, 200, { interviews: rows.slice(0, limit) });
        }
        let m = p.match(/^\/api\/interviews\/([^/]+)$/);
        if (m && req.method === 'GET') {
          const iv = state.interviews.get(decodeURIComponent(m[1]));
          return iv ? json(res, 200, transcript(iv)) : json(res, 404, { error: 'interview not found' });
        }
        m = p.match(/^\/api\/interviews\/([^/]+)\/share$/);
        if (m && req.method === 'POST') {
          const iv = state.interviews.get(decodeURIComponent(m[1]));
          if (!iv) return json(res, 404, { error: 'interview not found' });
          const t = randomBytes(18).toString('base64url');
          state.shares.set(t, iv.interview_id);
          const expiresAt = new Date(Date.now() + 30 * 86400e3).toISOString();
          return json(res, 200, { url: `/share/${t}`, share_id: t, expires_at: expiresAt });
        }
        m = p.match(/^\/api\/share\/([^/]+)\/revoke$/);
        if (m && req.method === 'POST') {
          const t = decodeURIComponent(m[1]);
          if (!state.shares.has(t)) return json(res, 404, { error: 'share link not found' });
          state.shares.delete(t);
          return json(res, 200, { share_id: t, already: false });
        }
        m = p.match(/^\/api\/share\/([^/]+)$/);
        if (m && req.method === 'GET') {
          const id = state.shares.get(decodeURIComponent(m[1]));
          const iv = id && state.interviews.get(id);
          return iv ? json(res, 200, transcript(iv)) : json(res, 404, { error: 'This link has expired or was revoked.' });
        }
        m = p.match(/^\/api\/members\/([^/]+)\/progress$/);
        if (m && req.method === 'GET') {
          const memberId = decodeURIComponent(m[1]);
          const mine = [...state.interviews.values()].filter((iv) => iv.candidate.id === memberId);
          if (!mine.length) return json(res, 404, { error: 'member not found' });
          const points = mine
            .map((iv) => {
              const a = [...iv.entries].reverse().find((e) => e.type === 'code_analyzed');
              return a ? { interview_id: iv.interview_id, at: a.at, problem_title: iv.problem.title, score: a.analysis.score, rubric: a.analysis.rubric } : null;
            })
            .filter(Boolean)
            .sort((a, b) => (a.at < b.at ? -1 : 1));
          // A simplified stats block of the same shape as the real server's (trend slope omitted).
          const avg = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
          const trend = (xs) => ({ count: xs.length, average: avg(xs), latest: xs.length ? xs[xs.length - 1] : null, slope: null });
          const dims = ['communication', 'problem_solving', 'technical_competency', 'testing'];
          const stats = {
            member_id: memberId,
            interviews_started: mine.length,
            interviews_done: mine.filter((iv) => iv.phase === 'ended' || iv.phase === 'summarised').length,
            score: trend(points.map((p) => p.score)),
            dimensions: dims.map((d) => ({ dimension: d, trend: trend(points.map((p) => p.rubric[d].score)) })),
            hints_used: 0,
            weakest_topics: [],
            problems_done: [],
          };
          return json(res, 200, { member: mine[0].candidate, points, stats, next: null });
        }
        return json(res, 404, { error: 'not found' });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405);
        return res.end();
      }
      return serveStatic(req, res, url);
    } catch (e) {
      console.error('[fake] request error', e);
      json(res, 500, { error: 'internal error' });
    }
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, 'http://x');
    const m = url.pathname.match(/^\/ws(?:\/([^/]+))?$/);
    if (!m || !authorized(req, url)) {
      socket.write('HTTP/1.1 ' + (m ? '401 Unauthorized' : '404 Not Found') + '\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, m[1] ? decodeURIComponent(m[1]) : null));
  });

  await new Promise((r) => server.listen(port, host, r));
  const addr = server.address();
  const url = `http://${host}:${addr.port}`;
  return {
    url,
    state,
    close: () =>
      new Promise((r) => {
        for (const res of sseClients) res.end();
        for (const c of wss.clients) c.terminate();
        server.close(() => r());
        server.closeAllConnections?.();
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf('--' + name);
    return i >= 0 ? args[i + 1] : def;
  };
  const srv = await startFakeServer({
    port: Number(opt('port', process.env.PORT || 8000)),
    host: opt('host', '127.0.0.1'),
    token: opt('token', process.env.FAKE_TOKEN || ''),
  });
  console.log(`[fake-server] TEST FAKE serving web/dist and docs/WEB-API.md protocol at ${srv.url}`);
}

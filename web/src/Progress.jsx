import { useEffect, useState } from 'react';
import { getProgress, subscribeLive } from './api.js';
import { ErrorBox, RUBRIC_DIMENSIONS, ScorePill, Spinner } from './components.jsx';
import { fmtDateTime } from './format.jsx';
import StatsPanel from './Stats.jsx';
import DuelsPanel from './Duels.jsx';

const COLORS = {
  score: '#8b7cff',
  communication: '#38bdf8',
  problem_solving: '#34d399',
  technical_competency: '#fbbf24',
  testing: '#f472b6',
};

function shortDate(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

// Hand-written SVG line chart. series: [{key, label, color, values: (number|null)[]}]
function LineChart({ points, series, min, max, ticks, testid, title }) {
  const W = 1000;
  const H = 270;
  const m = { l: 40, r: 36, t: 14, b: 34 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const n = points.length;
  const x = (i) => m.l + (n <= 1 ? iw / 2 : (i * iw) / (n - 1));
  const y = (v) => m.t + ih - ((v - min) / (max - min)) * ih;
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  return (
    <figure className="chart card" data-testid={testid}>
      <figcaption>
        <h3>{title}</h3>
        <div className="legend">
          {series.map((s) => (
            <span key={s.key} className="legend-item">
              <span className="legend-swatch" style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </div>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} className="chart-svg">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={m.l} x2={W - m.r} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.l - 8} y={y(t)} className="axis-label" textAnchor="end" dominantBaseline="middle">
              {t}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === n - 1 ? (
            <text key={i} x={x(i)} y={H - 10} className="axis-label" textAnchor={n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle'}>
              {shortDate(p.at)}
            </text>
          ) : null,
        )}
        {series.map((s) => {
          const segs = [];
          let cur = [];
          s.values.forEach((v, i) => {
            if (v === null || v === undefined || Number.isNaN(v)) {
              if (cur.length) segs.push(cur);
              cur = [];
            } else cur.push([x(i), y(v)]);
          });
          if (cur.length) segs.push(cur);
          return (
            <g key={s.key} data-series={s.key}>
              {segs.map((seg, j) => (
                <polyline
                  key={j}
                  points={seg.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}
                  fill="none"
                  stroke={s.color}
                  strokeWidth="2.5"
                  strokeLinejoin="round"
                  strokeLinecap="round"
                />
              ))}
              {s.values.map((v, i) =>
                v === null || v === undefined || Number.isNaN(v) ? null : (
                  <a key={i} href={'#/transcript/' + encodeURIComponent(points[i].interview_id)}>
                    <circle cx={x(i)} cy={y(v)} r="4.5" fill={s.color} className="pt">
                      <title>
                        {`${s.label}: ${v} · ${String(points[i].problem_title || '')} · ${fmtDateTime(points[i].at)}`}
                      </title>
                    </circle>
                  </a>
                ),
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

// Peer interviews (issue 16): the interviewer's bands beside the coach's, per dimension.
function PeerInterviews({ list }) {
  if (!Array.isArray(list) || list.length === 0) return null;
  const band = (v) => (v === null || v === undefined ? '—' : String(v));
  return (
    <div className="card table-card" data-testid="peer-interviews">
      <h3>Peer interviews (interviewer · coach)</h3>
      <table className="table">
        <thead>
          <tr>
            <th>When</th>
            <th>Problem</th>
            <th>Interviewer</th>
            {RUBRIC_DIMENSIONS.map(([k, l]) => (
              <th key={k} className="num">
                {l}
              </th>
            ))}
            <th className="num">Rating</th>
          </tr>
        </thead>
        <tbody>
          {list
            .slice()
            .reverse()
            .map((p) => {
              const s = p.summary || {};
              const rows = Array.isArray(s.rows) ? s.rows : [];
              const differ = Array.isArray(s.differ) ? s.differ : [];
              return (
                <tr key={String(p.interview_id)} data-testid="peer-row">
                  <td className="nowrap">{fmtDateTime(p.at)}</td>
                  <td>
                    <a href={'#/transcript/' + encodeURIComponent(p.interview_id)}>{String(p.problem_title || 'Untitled')}</a>
                  </td>
                  <td>{String(s.interviewer || '')}{s.interviewer_left ? ' (left)' : ''}</td>
                  {RUBRIC_DIMENSIONS.map(([k]) => {
                    const r = rows.find((x) => x.dimension === k) || {};
                    return (
                      <td key={k} className={'num' + (differ.includes(k) ? ' differ' : '')} title={differ.includes(k) ? 'interviewer and coach differ' : ''}>
                        {band(r.interviewer)} · {band(r.coach)}
                      </td>
                    );
                  })}
                  <td className="num">{s.stars ? String(s.stars) + '/5' : '—'}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

const num = (v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));

export default function Progress({ memberId }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let alive = true;
    let t = null;
    const load = () =>
      getProgress(memberId)
        .then((d) => alive && (setData(d), setError(null)))
        .catch((e) => alive && setError(e.message));
    load(); // keyed by member id in main.jsx: data starts null for each member
    const unsub = subscribeLive((ev) => {
      if (ev && ev.type && !/analy|summary|ended/.test(String(ev.type))) return;
      clearTimeout(t);
      t = setTimeout(load, 500);
    });
    return () => {
      alive = false;
      clearTimeout(t);
      unsub();
    };
  }, [memberId]);

  if (error)
    return (
      <div className="page">
        <ErrorBox>{error}</ErrorBox>
      </div>
    );
  if (!data)
    return (
      <div className="page center-note">
        <Spinner label="Loading progress…" />
      </div>
    );

  const points = Array.isArray(data.points) ? data.points : [];
  const member = data.member || {};
  const scores = points.map((p) => num(p.score));
  const valid = scores.filter((s) => s !== null);
  const avg = valid.length ? (valid.reduce((a, b) => a + b, 0) / valid.length).toFixed(1) : '—';
  const dimSeries = RUBRIC_DIMENSIONS.map(([key, label]) => ({
    key,
    label,
    color: COLORS[key],
    values: points.map((p) => num(p.rubric && p.rubric[key] && p.rubric[key].score)),
  }));
  const latestDims = dimSeries
    .map((s) => {
      const vals = s.values.filter((v) => v !== null);
      return { ...s, last: vals.length ? vals[vals.length - 1] : null, first: vals.length ? vals[0] : null };
    })
    .filter((s) => s.last !== null);
  const weakest = latestDims.length ? latestDims.reduce((a, b) => (b.last < a.last ? b : a)) : null;

  return (
    <div className="page progress" data-testid="progress">
      <div className="page-head">
        <div>
          <h1>{String(member.name || member.id || memberId)}</h1>
          <div className="meta-line muted">Progress across {points.length} scored interview{points.length === 1 ? '' : 's'}</div>
        </div>
        <a className="btn ghost small" href={'#/interviews?member=' + encodeURIComponent(memberId)}>
          Their interviews
        </a>
      </div>
      <StatsPanel stats={data.stats} next={data.next} />
      <DailyStreaks daily={data.daily} />
      <DuelsPanel duels={data.duels} ratings={data.duel_ratings} />
      <PeerInterviews list={data.peer_interviews} />
      <AsInterviewer stats={data.as_interviewer} />
      {points.length === 0 ? (
        <div className="card center-note muted">No scored interviews yet.</div>
      ) : (
        <>
          <div className="stats-row">
            <div className="card stat-card">
              <span className="stat-label">Average score</span>
              <span className="stat-value big">{avg}</span>
            </div>
            <div className="card stat-card">
              <span className="stat-label">Latest score</span>
              <span className="stat-value big">{valid.length ? String(valid[valid.length - 1]) : '—'}</span>
            </div>
            {weakest ? (
              <div className="card stat-card">
                <span className="stat-label">Focus next on</span>
                <span className="stat-value">{weakest.label}</span>
              </div>
            ) : null}
          </div>
          <LineChart
            testid="progress-chart-score"
            title="Score"
            points={points}
            min={0}
            max={10}
            ticks={[0, 2, 4, 6, 8, 10]}
            series={[{ key: 'score', label: 'Score /10', color: COLORS.score, values: scores }]}
          />
          <LineChart testid="progress-chart-rubric" title="Rubric (1 not yet · 4 strong)" points={points} min={1} max={4} ticks={[1, 2, 3, 4]} series={dimSeries} />
          <div className="card table-card">
            <table className="table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Problem</th>
                  <th className="num">Score</th>
                  {RUBRIC_DIMENSIONS.map(([k, l]) => (
                    <th key={k} className="num">
                      {l}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {points
                  .slice()
                  .reverse()
                  .map((p, i) => (
                    <tr key={String(p.interview_id) + i} data-testid="progress-row">
                      <td className="nowrap">{fmtDateTime(p.at)}</td>
                      <td>
                        <a href={'#/transcript/' + encodeURIComponent(p.interview_id)}>{String(p.problem_title || 'Untitled')}</a>
                      </td>
                      <td className="num">
                        <ScorePill score={p.score} />
                      </td>
                      {RUBRIC_DIMENSIONS.map(([k]) => (
                        <td key={k} className="num">
                          {p.rubric && p.rubric[k] ? String(p.rubric[k].score) : '—'}
                        </td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** Issue 16: the member's daily-problem streaks, one card per community. */
function DailyStreaks({ daily }) {
  if (!Array.isArray(daily) || daily.length === 0) return null;
  return (
    <div className="stats-row" data-testid="daily-streaks">
      {daily.map((d) => (
        <div key={String(d.community)} className="card stat-card">
          <span className="stat-label">Daily streak · {String(d.community)}</span>
          <span className="stat-value big">{String(d.current)}</span>
          <span className="muted">
            longest {String(d.longest)} · {String(d.solved)} solved{d.solved_today ? ' · today solved' : ''}
          </span>
        </div>
      ))}
    </div>
  );
}

/** Issue 16: the member's own figures as a peer interviewer (numbers only, no notes). */
function AsInterviewer({ stats }) {
  if (!stats || !stats.given) return null;
  const avg = typeof stats.average === 'number' ? stats.average.toFixed(1) + '/5' : '—';
  return (
    <div className="stats-row" data-testid="as-interviewer">
      <div className="card stat-card">
        <span className="stat-label">As interviewer</span>
        <span className="stat-value big">{String(stats.given)}</span>
        <span className="muted">
          peer interview{stats.given === 1 ? '' : 's'} given{stats.left_early ? ' · ' + String(stats.left_early) + ' left early' : ''}
        </span>
      </div>
      <div className="card stat-card">
        <span className="stat-label">Rating from candidates</span>
        <span className="stat-value big">{avg}</span>
        <span className="muted">
          {String(stats.ratings)} rating{stats.ratings === 1 ? '' : 's'}
        </span>
      </div>
    </div>
  );
}

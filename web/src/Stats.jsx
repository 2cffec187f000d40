// A member's practice stats as the server computes them (GET /api/members/{id}/progress:
// `stats` and `next`): interviews done, average and trend of the score and of each rubric
// dimension, hints, tests passed, weakest topics and the problem to try next. Renders nothing when the
// server sent no stats.
import { RUBRIC_DIMENSIONS } from './components.jsx';

const fixed = (v, digits = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

function arrow(trend, flat) {
  const s = trend && typeof trend.slope === 'number' ? trend.slope : null;
  if (s === null) return { sign: '', word: 'needs two analyses' };
  if (s > flat) return { sign: '↑', word: 'improving' };
  if (s < -flat) return { sign: '↓', word: 'slipping' };
  return { sign: '→', word: 'steady' };
}

export default function StatsPanel({ stats, next }) {
  if (!stats || typeof stats !== 'object') return null;
  const dims = Array.isArray(stats.dimensions) ? stats.dimensions : [];
  const label = (key) => (RUBRIC_DIMENSIONS.find(([k]) => k === key) || [key, key])[1];
  const score = stats.score || {};
  const scoreTrend = arrow(score, 0.1);
  const weakest = Array.isArray(stats.weakest_topics) ? stats.weakest_topics : [];
  return (
    <div className="card practice-stats" data-testid="practice-stats">
      <h3>Practice stats</h3>
      <div className="stats-row">
        <div className="stat-card">
          <span className="stat-label">Interviews done</span>
          <span className="stat-value" data-testid="stats-done">
            {String(stats.interviews_done ?? 0)} of {String(stats.interviews_started ?? 0)}
          </span>
        </div>
        <div className="stat-card">
          <span className="stat-label">Score trend</span>
          <span className="stat-value" title={scoreTrend.word}>
            {fixed(score.average)} {scoreTrend.sign}
          </span>
        </div>
        <div className="stat-card">
          <span className="stat-label">Hints used</span>
          <span className="stat-value">{String(stats.hints_used ?? 0)}</span>
        </div>
        <div className="stat-card">
          <span className="stat-label">Tests passed</span>
          <span className="stat-value" data-testid="stats-tests" title="cases passed by each interview's latest tested submission">
            {Number(stats.tests_total) > 0 ? `${String(stats.tests_passed ?? 0)} of ${String(stats.tests_total)}` : '—'}
          </span>
        </div>
      </div>
      {stats.regraded ? (
        <p data-testid="stats-regraded" className="muted">
          <span className="stat-label">Regraded</span> {String(stats.regraded.analyses)} analyses regraded by the operator:{' '}
          {fixed(stats.regraded.average)}/10 against {fixed(stats.regraded.original_average)}/10 originally (the score trend
          above stays the original)
        </p>
      ) : null}
      <table className="table compact">
        <thead>
          <tr>
            <th>Rubric dimension</th>
            <th className="num">Average /4</th>
            <th>Trend</th>
          </tr>
        </thead>
        <tbody>
          {dims.map((d) => {
            const a = arrow(d.trend, 0.05);
            return (
              <tr key={d.dimension} data-testid="stats-dimension">
                <td>{label(d.dimension)}</td>
                <td className="num">{fixed(d.trend && d.trend.average)}</td>
                <td>{a.sign ? `${a.sign} ${a.word}` : a.word}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {weakest.length ? (
        <p data-testid="stats-weakest">
          <span className="stat-label">Weakest topics</span>{' '}
          {weakest.map((t) => `${t.topic} (${fixed(t.average)}/10)`).join(', ')}
        </p>
      ) : null}
      {next && next.problem_id ? (
        <p data-testid="stats-next">
          <span className="stat-label">Try next</span> {String(next.title)} ({String(next.difficulty)})
          {next.topic ? ` to practise ${next.topic}` : ''}
        </p>
      ) : null}
    </div>
  );
}

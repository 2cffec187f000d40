// Duels (issue 16): a badge on a duelist's interview in the list, and on the progress
// page the member's rating per community and their finished duels.
import { fmtDateTime } from './format.jsx';

const OUTCOME = { won: 'won', lost: 'lost', no_winner: 'no winner', running: 'running' };

function fmtSeconds(s) {
  if (s === null || s === undefined) return '—';
  const m = Math.floor(s / 60);
  const r = s % 60;
  return m ? `${m}m ${String(r).padStart(2, '0')}s` : `${r}s`;
}

// After a win, the runner-up's time, or why there is none.
function runnerUp(d) {
  if (d.runner_up === 'passed') return fmtSeconds(d.runner_up_seconds);
  if (d.runner_up === 'did_not_finish') return 'did not finish';
  if (d.runner_up === 'pending') return 'still solving';
  return '—';
}

export function DuelBadge({ duel }) {
  return (
    <span className={'duel-badge ' + String(duel.outcome)} data-testid="duel-badge" title="A duel">
      {' '}⚔️ {OUTCOME[duel.outcome] || String(duel.outcome)} vs {String(duel.opponent)}
    </span>
  );
}

export default function DuelsPanel({ duels, ratings }) {
  if (!Array.isArray(duels) || duels.length === 0) return null;
  return (
    <section className="card" data-testid="duels-panel">
      <h3>Duels</h3>
      {Array.isArray(ratings) && ratings.length ? (
        <p data-testid="duel-ratings">
          {ratings.map((r) => (
            <span key={r.community} className="stat">
              Rating {r.rating} ({r.wins}W {r.losses}L{r.no_result ? ` ${r.no_result} no result` : ''}) · {r.community}
            </span>
          ))}
        </p>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th>Ended</th>
            <th>Problem</th>
            <th>Opponent</th>
            <th>Outcome</th>
            <th className="num">Winner&apos;s time</th>
            <th className="num">Runner-up</th>
            <th className="num">Attempts</th>
            <th className="num">Rating</th>
          </tr>
        </thead>
        <tbody>
          {duels.map((d) => (
            <tr key={d.duel_id} data-testid="duel-row">
              <td className="nowrap">{fmtDateTime(d.ended_at)}</td>
              <td>{String(d.problem_id)}</td>
              <td>{String(d.opponent)}</td>
              <td>{OUTCOME[d.outcome] || String(d.outcome)}</td>
              <td className="num">{fmtSeconds(d.winner_seconds)}</td>
              <td className="num">{runnerUp(d)}</td>
              <td className="num">
                {d.attempts} / {d.opponent_attempts}
              </td>
              <td className="num">
                {d.rating_before !== null && d.rating_after !== null ? `${d.rating_before} → ${d.rating_after}` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

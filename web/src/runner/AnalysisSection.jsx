// Step 4: the latest code analysis (tabs to earlier submissions when there are several)
// and a shortcut to answer its follow-up question in the chat.
import { forwardRef, useState } from 'react';
import { AnalysisPanel } from '../components.jsx';

export const AnalysisSection = forwardRef(function AnalysisSection({ analyses, finished, onAnswer }, ref) {
  // The selection is kept per analysis count: a new analysis shows itself again.
  const [selected, setSelected] = useState({ count: analyses.length, index: null });
  if (!analyses.length) return null;
  const pick = selected.count === analyses.length ? selected.index : null;
  const index = pick === null ? analyses.length - 1 : pick;
  const shown = analyses[index];
  return (
    <div ref={ref} className="analysis-wrap">
      {analyses.length > 1 ? (
        <div className="tabs" role="tablist">
          {analyses.map((a, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              className={'tab' + (i === index ? ' active' : '')}
              onClick={() => setSelected({ count: analyses.length, index: i })}
            >
              #{a.submission || i + 1} · {String(a.analysis?.score ?? '—')}/10
            </button>
          ))}
        </div>
      ) : null}
      <AnalysisPanel analysis={shown.analysis} submission={shown.submission} />
      {!finished ? (
        <div className="answer-follow-up">
          <button type="button" className="btn ghost small" onClick={onAnswer}>
            Answer the follow-up in the chat →
          </button>
        </div>
      ) : null}
    </div>
  );
});

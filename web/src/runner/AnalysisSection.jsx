// Step 4: the latest code analysis (tabs to earlier submissions when there are several)
// and a shortcut to answer its follow-up question in the chat.
import { forwardRef, useId, useState } from 'react';
import { AnalysisPanel } from '../components.jsx';

function AnalysisTabs({ analyses, index, onPick, idPrefix, panelId }) {
  const onKeyDown = (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    const to = (index + step + analyses.length) % analyses.length;
    onPick(to);
    document.getElementById(idPrefix + to)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Code analyses">
      {analyses.map((a, i) => (
        <button
          key={i}
          id={idPrefix + i}
          type="button"
          role="tab"
          aria-selected={i === index}
          aria-controls={panelId}
          tabIndex={i === index ? 0 : -1}
          className={'tab' + (i === index ? ' active' : '')}
          onClick={() => onPick(i)}
          onKeyDown={onKeyDown}
        >
          #{a.submission || i + 1} · {String(a.analysis?.score ?? '—')}/10
        </button>
      ))}
    </div>
  );
}

export const AnalysisSection = forwardRef(function AnalysisSection({ analyses, finished, onAnswer }, ref) {
  // The selection is kept per analysis count: a new analysis shows itself again.
  const [selected, setSelected] = useState({ count: analyses.length, index: null });
  const ids = useId();
  if (!analyses.length) return null;
  const pick = selected.count === analyses.length ? selected.index : null;
  const index = pick === null ? analyses.length - 1 : pick;
  const shown = analyses[index];
  const tabs = analyses.length > 1;
  return (
    <div ref={ref} className="analysis-wrap" data-testid="analysis-section">
      {tabs ? (
        <AnalysisTabs
          analyses={analyses}
          index={index}
          onPick={(i) => setSelected({ count: analyses.length, index: i })}
          idPrefix={ids + 'tab-'}
          panelId={ids + 'panel'}
        />
      ) : null}
      <div id={ids + 'panel'} role={tabs ? 'tabpanel' : undefined} aria-labelledby={tabs ? ids + 'tab-' + index : undefined}>
        <AnalysisPanel analysis={shown.analysis} submission={shown.submission} />
      </div>
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

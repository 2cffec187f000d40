// Brings a freshly arrived analysis (or the summary) into view. Wide layout: only the
// stage column scrolls. Narrow layout: the window scrolls, and the targets' scroll-margin-top
// (styles.css) keeps them clear of the sticky top bar.
import { useCallback, useEffect, useRef } from 'react';

export function useStageScroll({ analysesCount, summary, replaying }) {
  const stageRef = useRef(null);
  const analysisRef = useRef(null);
  const summaryRef = useRef(null);

  const scrollStageTo = useCallback((el, smooth) => {
    const stageEl = stageRef.current;
    if (!el || !stageEl) return;
    const behavior = smooth ? 'smooth' : 'auto';
    if (stageEl.scrollHeight <= stageEl.clientHeight + 1) {
      // Narrow layout: the window scrolls, not the stage.
      el.scrollIntoView({ behavior, block: 'start' });
      return;
    }
    const top = el.getBoundingClientRect().top - stageEl.getBoundingClientRect().top + stageEl.scrollTop - 16;
    stageEl.scrollTo({ top: Math.max(0, top), behavior });
  }, []);

  const seenAnalyses = useRef(null);
  useEffect(() => {
    if (replaying) return;
    if (seenAnalyses.current === null) {
      seenAnalyses.current = analysesCount;
      return;
    }
    if (analysesCount > seenAnalyses.current) scrollStageTo(analysisRef.current, true);
    seenAnalyses.current = analysesCount;
  }, [analysesCount, replaying, scrollStageTo]);
  useEffect(() => {
    if (summary) scrollStageTo(summaryRef.current, false);
  }, [summary, scrollStageTo]);

  const showAnalysis = useCallback(() => scrollStageTo(analysisRef.current, true), [scrollStageTo]);
  return { stageRef, analysisRef, summaryRef, showAnalysis };
}

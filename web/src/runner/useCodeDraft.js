// The code step's language and editor contents: once the interview is known (and, on a
// resume, replayed) it restores the local draft or else the last submission, and it saves
// a draft as the candidate types or changes the language.
import { useCallback, useEffect, useState } from 'react';
import { loadDraft, saveDraft } from '../storage.js';

export function useCodeDraft(editorRef, { resumeId, interviewId, replaying, replayed, lastCode }) {
  const [language, setLanguage] = useState(() => (resumeId && loadDraft(resumeId)?.language) || 'python');
  // What was restored (a draft or the last submission; false if nothing): decided once,
  // when the interview is known and any replay is over.
  const [restored, setRestored] = useState(null);
  const ready = !!interviewId && !replaying && (replayed || !resumeId);
  if (ready && restored === null) {
    const d = loadDraft(interviewId);
    const from = (d && typeof d.code === 'string' && d.code ? d : lastCode) || false;
    setRestored(from);
    if (from && from.language) setLanguage(from.language);
  }
  useEffect(() => {
    if (restored && editorRef.current) editorRef.current.setValue(restored.code);
  }, [restored, editorRef]);

  const onCodeChange = useCallback(
    (code) => {
      if (interviewId) saveDraft(interviewId, { code, language });
    },
    [interviewId, language],
  );
  useEffect(() => {
    if (interviewId && editorRef.current) saveDraft(interviewId, { code: editorRef.current.getValue(), language });
  }, [editorRef, language, interviewId]);

  return { language, setLanguage, onCodeChange };
}

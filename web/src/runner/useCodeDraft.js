// The code step's language and editor contents: once the interview is known (and, on a
// resume, replayed) it restores the local draft or else the last submission, and it saves
// a draft as the candidate types or changes the language.
import { useCallback, useEffect, useRef, useState } from 'react';
import { loadDraft, saveDraft } from '../storage.js';

export function useCodeDraft(editorRef, { resumeId, interviewId, replaying, replayed, lastCode }) {
  const [language, setLanguage] = useState(() => (resumeId && loadDraft(resumeId)?.language) || 'python');
  const restored = useRef(false);

  useEffect(() => {
    if (restored.current || !interviewId || replaying) return;
    if (!replayed && resumeId) return;
    restored.current = true;
    const d = loadDraft(interviewId);
    const from = d && typeof d.code === 'string' && d.code ? d : lastCode;
    if (!from) return;
    if (editorRef.current) editorRef.current.setValue(from.code);
    if (from.language) setLanguage(from.language);
  }, [editorRef, interviewId, replaying, replayed, resumeId, lastCode]);

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

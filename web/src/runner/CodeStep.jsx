// Steps 3-4: the Monaco editor with its language picker and "Submit code" (also Ctrl/Cmd+Enter).
// Kept mounted (hidden) outside the coding steps so the editor and its draft survive.
import { CodeEditor, LANGUAGES } from '../CodeEditor.jsx';

export function CodeStep({ editorRef, shown, mountEditor, language, onLanguage, onCodeChange, onSubmit, submissions, canSend }) {
  return (
    <div className="card editor-card" hidden={!shown}>
      <div className="editor-toolbar">
        <label className="lang-picker">
          <span>Language</span>
          <select data-testid="language-select" value={language} onChange={(e) => onLanguage(e.target.value)}>
            {LANGUAGES.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {submissions > 0 ? `${submissions} submission${submissions === 1 ? '' : 's'} · ` : ''}Ctrl+Enter to submit
        </span>
        <button type="button" className="btn primary" data-testid="submit-code" onClick={onSubmit} disabled={!canSend}>
          Submit code
        </button>
      </div>
      {mountEditor ? <CodeEditor ref={editorRef} language={language} onChange={onCodeChange} onSubmit={onSubmit} testid="code-editor" /> : null}
    </div>
  );
}

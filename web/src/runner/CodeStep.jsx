// Steps 3-4: the Monaco editor with its language picker, "Run tests" (the problem's
// examples and tests, or an input of the candidate's own) and "Submit code" (also
// Ctrl/Cmd+Enter). Kept mounted (hidden) outside the coding steps so the editor and its
// draft survive.
import { useState } from 'react';
import { CodeEditor, LANGUAGES } from '../CodeEditor.jsx';
import { RunResults } from './RunResults.jsx';

export function CodeStep({ editorRef, shown, mountEditor, language, onLanguage, onCodeChange, onSubmit, onRun, runStatus, latestRun, submissions, canSend }) {
  const [customInput, setCustomInput] = useState('');
  const running = !!runStatus && runStatus.state !== 'failed';
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
        <button type="button" className="btn" data-testid="run-tests" onClick={() => onRun(customInput)} disabled={!canSend || running}>
          {running ? 'Running…' : 'Run tests'}
        </button>
        <button type="button" className="btn primary" data-testid="submit-code" onClick={onSubmit} disabled={!canSend}>
          Submit code
        </button>
      </div>
      {mountEditor ? <CodeEditor ref={editorRef} language={language} onChange={onCodeChange} onSubmit={onSubmit} testid="code-editor" /> : null}
      <label className="custom-input">
        <span className="muted small">Custom input (optional JSON object of the arguments, e.g. {'{"nums": [1, 2], "target": 3}'})</span>
        <input
          type="text"
          data-testid="custom-input"
          value={customInput}
          onChange={(e) => setCustomInput(e.target.value)}
          placeholder="leave empty to run the examples and tests"
        />
      </label>
      <RunResults status={runStatus} latest={latestRun} />
    </div>
  );
}

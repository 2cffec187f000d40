import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { Spinner } from './components.jsx';

export const LANGUAGES = [
  ['python', 'Python'],
  ['javascript', 'JavaScript'],
  ['typescript', 'TypeScript'],
  ['java', 'Java'],
  ['cpp', 'C++'],
  ['go', 'Go'],
  ['rust', 'Rust'],
];

let monacoPromise = null;
export function loadMonaco() {
  if (!monacoPromise) monacoPromise = import('./monaco.js').then((m) => m.default);
  return monacoPromise;
}

// Monaco editor, loaded lazily from the local bundle.
export const CodeEditor = forwardRef(function CodeEditor(
  { initialValue = '', language = 'python', onChange, onSubmit, readOnly = false, testid = 'code-editor' },
  ref,
) {
  const hostRef = useRef(null);
  const editorRef = useRef(null);
  const pendingValue = useRef(initialValue);
  // The latest props for the editor, which is created once and outlives renders.
  const latest = useRef({ onChange, onSubmit, language, readOnly });
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    latest.current = { onChange, onSubmit, language, readOnly };
  });

  useImperativeHandle(ref, () => ({
    getValue: () => (editorRef.current ? editorRef.current.getValue() : pendingValue.current),
    setValue: (v) => {
      pendingValue.current = v;
      if (editorRef.current && editorRef.current.getValue() !== v) editorRef.current.setValue(v);
    },
    focus: () => editorRef.current && editorRef.current.focus(),
  }));

  useEffect(() => {
    let disposed = false;
    let editor = null;
    loadMonaco()
      .then((monaco) => {
        if (disposed || !hostRef.current) return;
        editor = monaco.editor.create(hostRef.current, {
          value: pendingValue.current,
          language: latest.current.language,
          theme: 'coach-dark',
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 14,
          lineHeight: 21,
          fontFamily: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace',
          scrollBeyondLastLine: false,
          tabSize: 4,
          insertSpaces: true,
          renderLineHighlight: 'line',
          padding: { top: 12, bottom: 12 },
          // An interview editor: no autocompletion, like a whiteboard/CoderPad.
          quickSuggestions: false,
          suggestOnTriggerCharacters: false,
          wordBasedSuggestions: 'off',
          acceptSuggestionOnEnter: 'off',
          parameterHints: { enabled: false },
          links: false,
          readOnly: latest.current.readOnly,
          placeholder: latest.current.readOnly ? undefined : 'Write your solution here…',
          ariaLabel: 'Code editor',
        });
        editorRef.current = editor;
        editor.onDidChangeModelContent(() => {
          pendingValue.current = editor.getValue();
          if (latest.current.onChange) latest.current.onChange(pendingValue.current);
        });
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => {
          if (latest.current.onSubmit) latest.current.onSubmit();
        });
        setReady(true);
      })
      .catch((e) => {
        console.error('Monaco failed to load', e);
        if (!disposed) setFailed(true);
      });
    return () => {
      disposed = true;
      if (editor) editor.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed) return;
    loadMonaco().then((monaco) => {
      const model = ed.getModel();
      if (model) monaco.editor.setModelLanguage(model, language);
    });
  }, [language, ready]);

  useEffect(() => {
    if (editorRef.current) editorRef.current.updateOptions({ readOnly });
  }, [readOnly, ready]);

  if (failed) {
    // Fallback: a plain textarea keeps the interview usable.
    return (
      <textarea
        className="editor-fallback"
        aria-label="Code editor"
        data-testid={testid}
        defaultValue={pendingValue.current}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => {
          pendingValue.current = e.target.value;
          if (onChange) onChange(e.target.value);
        }}
      />
    );
  }
  return (
    <div className="editor-host" data-testid={testid} data-ready={ready ? 'true' : 'false'}>
      <div ref={hostRef} className="editor-mount" />
      {!ready ? (
        <div className="editor-loading">
          <Spinner label="Loading editor…" />
        </div>
      ) : null}
    </div>
  );
});

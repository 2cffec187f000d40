// The chat box under the chat list: message (Enter sends, Shift+Enter newline), Hint, End, Send.
import { useState } from 'react';

export function Composer({ inputRef, stage, finished, canSend, onMessage, onHint, onEnd }) {
  const [draft, setDraft] = useState('');
  const closed = stage === 'problem' || finished;
  const send = (e) => {
    e.preventDefault();
    if (onMessage(draft)) setDraft('');
  };
  return (
    <form className="composer" onSubmit={send}>
      <textarea
        ref={inputRef}
        data-testid="chat-input"
        aria-label="Message to the coach"
        rows={2}
        placeholder={stage === 'problem' ? 'Describe the problem to start…' : finished ? 'The interview has ended.' : 'Message the coach… (Enter to send)'}
        value={draft}
        disabled={closed}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
        }}
      />
      <div className="composer-actions">
        <button type="button" className="btn ghost small" data-testid="hint-button" onClick={onHint} disabled={!canSend || closed}>
          Hint
        </button>
        <button type="button" className="btn ghost small danger-text" data-testid="end-button" onClick={onEnd} disabled={!canSend || closed}>
          End
        </button>
        <span className="spacer" />
        <button type="submit" className="btn primary small" data-testid="chat-send" disabled={!canSend || closed || !draft.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

// The chat column: the message list (kept pinned to the newest message), the coach's
// status, the End confirmation and the composer.
import { useState } from 'react';
import { ChatItem, ErrorMessage } from './ChatItem.jsx';
import { CoachStatus } from './CoachStatus.jsx';
import { Composer } from './Composer.jsx';
import { useChatScroll } from './useChatScroll.js';

function EndConfirm({ onCancel, onConfirm }) {
  return (
    <div className="end-confirm" data-testid="end-confirm-bar">
      <span>End the interview and get your summary?</span>
      <div>
        <button type="button" className="btn ghost small" onClick={onCancel}>
          Keep going
        </button>
        <button type="button" className="btn danger small" data-testid="end-confirm" onClick={onConfirm}>
          End interview
        </button>
      </div>
    </div>
  );
}

export function ChatPanel({ view, stage, finished, canSend, localError, commands, inputRef, onShowAnalysis }) {
  const [confirmEnd, setConfirmEnd] = useState(false);
  const items = view.items;
  const lastText = items.length ? items[items.length - 1].text : '';
  const { listRef, onScroll } = useChatScroll(items.length, lastText, view.status, localError, confirmEnd);
  const endInterview = () => {
    setConfirmEnd(false);
    commands.end();
  };
  return (
    <aside className="chat" data-testid="chat">
      <div className="chat-head">
        <h2>Coach</h2>
        {view.hints > 0 ? <span className="muted small">{view.hints} hint{view.hints === 1 ? '' : 's'} used</span> : null}
      </div>
      <div
        className="chat-list"
        ref={listRef}
        onScroll={onScroll}
        role="log"
        aria-live="polite"
        aria-label="Conversation with the coach"
        data-testid="chat-list"
      >
        {items.map((it) => (
          <ChatItem key={it.id} item={it} onShowAnalysis={onShowAnalysis} />
        ))}
        {localError ? (
          <ErrorMessage>
            <span>{localError}</span>
          </ErrorMessage>
        ) : null}
      </div>
      <CoachStatus status={view.status} onRetry={commands.retry} canSend={canSend} />
      {confirmEnd ? <EndConfirm onCancel={() => setConfirmEnd(false)} onConfirm={endInterview} /> : null}
      <Composer
        inputRef={inputRef}
        stage={stage}
        finished={finished}
        canSend={canSend}
        onMessage={commands.message}
        onHint={commands.hint}
        onEnd={() => setConfirmEnd(true)}
      />
    </aside>
  );
}

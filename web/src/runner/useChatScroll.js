// Keeps the chat list pinned to the newest message unless the reader scrolled up.
// The arguments are what can grow the list; the effect re-pins when one changes.
import { useEffect, useRef } from 'react';

export function useChatScroll(count, lastText, status, localError, confirmEnd) {
  const listRef = useRef(null);
  const stickToBottom = useRef(true);
  const autoTop = useRef(-1);

  useEffect(() => {
    const list = listRef.current;
    if (list && stickToBottom.current) {
      list.scrollTop = list.scrollHeight;
      autoTop.current = list.scrollTop;
    }
  }, [count, lastText, status, localError, confirmEnd]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    // Ignore the scroll events our own pinning causes; only the reader's scrolling counts.
    if (Math.abs(list.scrollTop - autoTop.current) <= 2) return;
    stickToBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    autoTop.current = -1;
  };

  return { listRef, onScroll };
}

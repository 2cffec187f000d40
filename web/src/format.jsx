// A tiny, safe formatter for coach and candidate text.
// Everything is rendered as React text nodes: no HTML is ever parsed, no link
// or image is ever created from message content. Supported:
//   ```lang\n...\n```  -> <pre><code> block (text node)
//   `inline`           -> <code> (text node)
//   **bold**           -> <strong> (text node)
// Newlines are kept by CSS (white-space: pre-wrap on .rich).

const FENCE = /```([^\n`]*)\n?([\s\S]*?)(?:```|$)/g;

export function splitFences(text) {
  const parts = [];
  const s = String(text ?? '');
  let last = 0;
  FENCE.lastIndex = 0;
  let m;
  while ((m = FENCE.exec(s)) !== null) {
    if (m.index > last) parts.push({ type: 'text', value: s.slice(last, m.index) });
    parts.push({ type: 'code', lang: m[1].trim(), value: m[2].replace(/\n$/, '') });
    last = FENCE.lastIndex;
    if (m[0].length === 0) FENCE.lastIndex++;
  }
  if (last < s.length) parts.push({ type: 'text', value: s.slice(last) });
  return parts;
}

function Inline({ text }) {
  // `code` and **bold** only; everything else stays literal text.
  const out = [];
  const re = /`([^`\n]+)`|\*\*([^*\n][^\n]*?)\*\*/g;
  let last = 0;
  let m;
  let i = 0;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<code key={i++} className="inline-code">{m[1]}</code>);
    else out.push(<strong key={i++}>{m[2]}</strong>);
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function RichText({ text, className = '' }) {
  const parts = splitFences(text);
  return (
    <div className={'rich ' + className}>
      {parts.map((p, i) =>
        p.type === 'code' ? (
          <pre key={i} className="code-block" data-lang={p.lang || undefined}>
            <code>{p.value}</code>
          </pre>
        ) : (
          <span key={i} className="rich-text">
            <Inline text={trimBlock(p.value, i, parts.length)} />
          </span>
        ),
      )}
    </div>
  );
}

// Drop the single newline that surrounds a fenced block so spacing stays tidy.
function trimBlock(v, i, n) {
  let s = v;
  if (i > 0) s = s.replace(/^\n/, '');
  if (i < n - 1) s = s.replace(/\n$/, '');
  return s;
}

export function CodeBlock({ code, language, testid }) {
  return (
    <pre className="code-block" data-lang={language || undefined} data-testid={testid}>
      <code>{code}</code>
    </pre>
  );
}

export function fmtTime(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function fmtDateTime(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function fmtDuration(ms) {
  if (!(ms >= 0)) return '';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (x) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

// interview-coach judge harness for Node.js (run around the candidate's solution.js).
// Protocol: stdin line 1 is the header (nonce, per-case time limit, output cap, signature);
// each further line is one case's input object. For each case one line "<nonce> <json>"
// goes to fd 1. The candidate's code runs in its own vm context whose console is captured
// per case, and every call into it carries the time limit (vm's timeout interrupts loops).
// Bench mode (the header has "bench": {"budget_ms", "repeats"}): each line is one size, a
// JSON array of inputs of that size (or one input object), timed in `repeats` batches or
// more, a batch being as many calls as spend a millisecond (each on fresh arguments, the
// calls rotating among the line's inputs so that the branch predictor and the caches cannot
// learn one; a batch runs inside the context, so one vm timeout covers it), and answered
// {"ms": the best batch's mean per call}, timed with `benchClock`, after an unmeasured
// warm-up on the first line; all calls share the budget, and the process ends when it is
// spent.
'use strict';
const fs = require('fs');
const vm = require('vm');

// What the candidate's calls are timed with (ms): the wall clock, or in bench mode
// `benchClock`.
let clock = () => performance.now();
const cpuClock = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
// The process's CPU time (a busy machine's other processes do not count, but V8's compiler
// and collector threads do). Node 20 has no precise per-thread CPU clock: the thread's
// /proc figures move in steps of a scheduler tick.
const benchClock = cpuClock;

const send = (nonce, obj) => fs.writeSync(1, nonce + ' ' + JSON.stringify(obj) + '\n');

// Runs inside the candidate's context, so its nodes are the candidate's realm's objects.
const PRELUDE = `
class ListNode { constructor(val, next) { this.val = val === undefined ? 0 : val; this.next = next === undefined ? null : next; } }
class TreeNode { constructor(val, left, right) { this.val = val === undefined ? 0 : val; this.left = left === undefined ? null : left; this.right = right === undefined ? null : right; } }
globalThis.__ic = (() => {
  const L = ListNode, T = TreeNode, MAX = 1000000;
  const list = (values, pos) => {
    const nodes = values.map((v) => new L(v));
    for (let i = 0; i + 1 < nodes.length; i++) nodes[i].next = nodes[i + 1];
    if (nodes.length && pos !== undefined && pos >= 0 && pos < nodes.length) nodes[nodes.length - 1].next = nodes[pos];
    return nodes.length ? nodes[0] : null;
  };
  const tree = (values) => {
    if (!values.length || values[0] === null) return null;
    const root = new T(values[0]); const queue = [root]; let i = 1, q = 0;
    while (q < queue.length && i < values.length) {
      const node = queue[q++];
      if (i < values.length && values[i] !== null) { node.left = new T(values[i]); queue.push(node.left); }
      i++;
      if (i < values.length && values[i] !== null) { node.right = new T(values[i]); queue.push(node.right); }
      i++;
    }
    return root;
  };
  const listOut = (node) => {
    const out = [];
    while (node !== null && node !== undefined) {
      out.push(node.val); node = node.next;
      if (out.length > MAX) throw new Error('the returned linked list has a cycle or more than 10^6 nodes');
    }
    return out;
  };
  const treeOut = (root) => {
    const out = [], queue = [root]; let q = 0;
    while (q < queue.length) {
      const node = queue[q++];
      if (node === null || node === undefined) { out.push(null); continue; }
      out.push(node.val); queue.push(node.left === undefined ? null : node.left, node.right === undefined ? null : node.right);
      if (queue.length > 2 * MAX) throw new Error('the returned tree has a cycle or more than 10^6 nodes');
    }
    while (out.length && out[out.length - 1] === null) out.pop();
    return out;
  };
  const arg = (ty, v) => {
    if (ty === 'ListNode') return list(v);
    if (ty === 'TreeNode') return tree(v);
    if (ty === 'ListNode[]' || ty === 'TreeNode[]') return v.map((x) => arg(ty.slice(0, -2), x));
    return v;
  };
  const result = (ty, v) => {
    if (ty === 'ListNode') return listOut(v);
    if (ty === 'TreeNode') return treeOut(v);
    if (v === undefined) return null;
    return v;
  };
  return { list, arg, result };
})();
`;

function main() {
  const lines = fs.readFileSync(0, 'utf8').split('\n');
  const header = JSON.parse(lines[0]);
  const { nonce, spec } = header;
  const limit = header.time_limit_ms;
  let capture = null;
  const sink = (...parts) => {
    if (capture === null) return;
    const text = parts.map((p) => (typeof p === 'string' ? p : require('util').inspect(p))).join(' ') + '\n';
    capture.seen += text.length;
    if (capture.text.length < header.keep_bytes) capture.text += text.slice(0, header.keep_bytes - capture.text.length);
    if (capture.seen > header.output_bytes) { capture.over = true; throw new Error('__ic_output_limit'); }
  };
  const quietConsole = { log: sink, info: sink, warn: sink, error: sink, debug: sink, trace: sink, dir: sink, table: sink };
  const context = vm.createContext({ console: quietConsole, __icNow: () => clock() });
  vm.runInContext(PRELUDE, context, { filename: 'harness-prelude.js' });
  let script;
  const source = fs.readFileSync('solution.js', 'utf8');
  try {
    script = new vm.Script(source, { filename: 'solution.js' });
  } catch (e) {
    const where = (e.stack || '').split('\n')[0];
    send(nonce, { compile_error: where + '\n' + e.name + ': ' + e.message });
    return;
  }
  capture = { text: '', seen: 0, over: false };
  try {
    script.runInContext(context, { timeout: limit });
    // Top-level function and class declarations are not properties of the context's
    // global object; this makes them reachable by name.
    const wanted = spec.kind === 'function' ? spec.name : spec.class;
    vm.runInContext(`globalThis.__icTarget = typeof ${wanted} === 'undefined' ? undefined : ${wanted};`, context);
  } catch (e) {
    if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') { send(nonce, { error: 'time_limit' }); return; }
    send(nonce, { load_error: trace(e), stdout: capture.text });
    return;
  }
  if (typeof context.__icTarget !== 'function') {
    send(nonce, { missing: spec.kind === 'function' ? spec.name : spec.class });
    return;
  }
  context.__icSpec = spec;
  vm.runInContext(RUNNER, context);
  if (header.bench) { bench(nonce, header.bench, lines.slice(1), context); return; }
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    capture = { text: '', seen: 0, over: false };
    context.__icCase = line;
    let reply;
    try {
      const out = JSON.parse(vm.runInContext('__icRun(__icCase)', context, { timeout: limit }));
      reply = { ok: out.ok, ms: out.ms };
    } catch (e) {
      if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') { send(nonce, { error: 'time_limit', stdout: capture.text }); return; }
      if (capture.over) reply = { error: 'output_limit' };
      else if (e instanceof RangeError || (e && e.name === 'RangeError' && /allocation|Invalid array length|Invalid string length/.test(e.message))) reply = { error: 'memory_limit', message: trace(e) };
      else reply = { error: 'runtime', message: trace(e) };
    }
    reply.stdout = capture.text;
    reply.mem = process.resourceUsage().maxRSS * 1024;
    send(nonce, reply);
  }
}

// Runs inside the context: one case in, a JSON string out (so nothing of the candidate's
// realm leaks into ours).
const RUNNER = `
const __icOne = (c) => {
  const spec = __icSpec, ic = __ic;
  let ms = 0, t;
  if (spec.kind === 'function') {
    const pos = spec.cycle_pos ? c[spec.cycle_pos] : undefined;
    const args = spec.params.map(([n, ty]) => (pos !== undefined && ty === 'ListNode') ? ic.list(c[n], pos) : ic.arg(ty, c[n]));
    t = __icNow(); const v = __icTarget(...args); ms = __icNow() - t;
    return { ok: ic.result(spec.returns, v), ms };
  }
  const args0 = spec.constructor.map(([, ty], i) => ic.arg(ty, c.args[0][i]));
  t = __icNow(); const obj = new __icTarget(...args0); ms += __icNow() - t;
  const out = [null];
  for (let i = 1; i < c.ops.length; i++) {
    const m = spec.methods[c.ops[i]];
    const a = m.params.map(([, ty], j) => ic.arg(ty, c.args[i][j]));
    if (typeof obj[m.name] !== 'function') throw new TypeError(spec.class + '.' + m.name + ' is not a method');
    t = __icNow(); const v = obj[m.name](...a); ms += __icNow() - t;
    out.push(m.returns === 'void' ? null : ic.result(m.returns, v));
  }
  return { ok: out, ms };
};
globalThis.__icRun = (line) => JSON.stringify(__icOne(JSON.parse(line)));
// Bench: calls rotating among __icTexts from __icTurn until __icBatchMs are spent (or
// 100000 calls), each on freshly parsed arguments; "total calls turn" back.
globalThis.__icBatch = () => {
  const texts = __icTexts;
  let total = 0, calls = 0, turn = __icTurn;
  while (total < __icBatchMs && calls < 100000) {
    total += __icOne(JSON.parse(texts[turn % texts.length])).ms;
    turn++;
    calls++;
  }
  return total + ' ' + calls + ' ' + turn;
};
`;

// Per line, the best mean time per call of `repeats` batches or more (while quick: up to
// 10, within a fiftieth of the budget), a batch being as many calls as spend a millisecond,
// rotating among the line's inputs.
function bench(nonce, settings, lines, context) {
  clock = benchClock;
  const deadline = performance.now() + settings.budget_ms;
  let first = true;
  for (const line of lines) {
    if (!line.trim()) continue;
    if (deadline <= performance.now()) return;
    const parsed = JSON.parse(line);
    // Each input kept as text and parsed again per call: fresh arguments every time.
    context.__icTexts = Array.isArray(parsed) ? parsed.map((c) => JSON.stringify(c)) : [line];
    if (first) {
      // Warm-up on the smallest inputs, unmeasured (up to 500 calls or a tenth of the
      // budget), so that V8 has compiled the code before the first size is timed.
      first = false;
      context.__icTurn = 0;
      context.__icBatchMs = Infinity;
      const stop = performance.now() + settings.budget_ms / 10;
      try {
        for (let k = 0; k < 500 && performance.now() < stop; k++) {
          context.__icCase = context.__icTexts[k % context.__icTexts.length];
          vm.runInContext('__icRun(__icCase)', context, { timeout: Math.ceil(settings.budget_ms / 10) });
        }
      } catch (e) { /* the timed calls below report it */ }
    }
    let best = null;
    const started = performance.now();
    context.__icTurn = 0;
    context.__icBatchMs = 1;
    for (let b = 0; b < Math.max(1, settings.repeats) || (b < 10 && (performance.now() - started) * 50 < settings.budget_ms); b++) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      let total, calls;
      try {
        const [t, c, turn] = vm.runInContext('__icBatch()', context, { timeout: Math.ceil(left) }).split(' ').map(Number);
        [total, calls, context.__icTurn] = [t, c, turn];
      } catch (e) {
        if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') send(nonce, { error: 'time_limit' });
        else send(nonce, { error: 'runtime', message: trace(e) });
        return;
      }
      const mean = total / calls;
      best = best === null ? mean : Math.min(best, mean);
      if (total * 20 > settings.budget_ms) break; // a long call is its own repeat
    }
    send(nonce, { ms: best });
  }
}

function trace(e) {
  if (!e || typeof e !== 'object') return String(e);
  const stack = String(e.stack || e.message || e).split('\n');
  const kept = stack.filter((l, i) => i === 0 || l.includes('solution.js'));
  return kept.slice(0, 9).join('\n');
}

main();

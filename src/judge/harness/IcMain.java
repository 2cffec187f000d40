// interview-coach judge harness for Java 17, the part that is the same for every problem (the
// judge compiles it once and each run's compile only puts it on the classpath, or compiles it
// with the run when there is none). Protocol: stdin line 1 is the header (nonce, per-case time
// limit, output cap); each further line is one case's input object; for each case one line
// "<nonce> <json>" goes to the real stdout. The candidate's System.out is captured per case.
// IcMain finds the generated IcGlue class (compiled with the candidate's file and IcNodes.java)
// by name: its call converts a case's arguments, calls the candidate's code and converts the
// result, and its FILE names the candidate's file. (Found by reflection rather than handed over
// as a lambda: javac compiles the glue faster without one.)
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

public final class IcMain {
    static final PrintStream PROTO = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    static String nonce = "";
    static volatile long deadline = Long.MAX_VALUE;
    static long spent;
    /** The generated glue's call of the candidate's code for one case: IcGlue.call. */
    static java.lang.reflect.Method glue;
    /** The candidate's file, whose stack frames a runtime error shows: IcGlue.FILE. */
    static String file = "";
    /** A node result as a JSON-shaped value, null for anything else: IcNodes.out. */
    static java.lang.reflect.Method nodes;

    /** Timing the candidate's calls in the thread's CPU time (bench mode) or the wall clock. */
    static java.lang.management.ThreadMXBean cpu;

    /** Now, for timing the candidate's calls (IcGlue): ns of the wall clock, or in bench mode
     * of the thread's CPU time (a busy machine's other processes do not count). */
    static long now() {
        return cpu != null ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** The glue's call of one case; what the candidate's code threw is thrown as it is. */
    static Object call(Map<String, Object> c) throws Throwable {
        try {
            return glue.invoke(null, c);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static final class OutputLimit extends Error {
        OutputLimit() { super("output limit", null, false, false); }
    }

    /** The candidate's System.out for one case: keeps the first `keep` bytes, fails past `cap`. */
    static final class Capture extends OutputStream {
        final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        final int keep; final long cap; long seen; boolean over;
        Capture(int keep, long cap) { this.keep = keep; this.cap = cap; }
        @Override public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }
        @Override public void write(byte[] b, int off, int len) {
            seen += len;
            int room = Math.max(0, keep - kept.size());
            kept.write(b, off, Math.min(room, len));
            if (seen > cap) { over = true; throw new OutputLimit(); }
        }
        String text() { return kept.toString(StandardCharsets.UTF_8); }
    }

    static synchronized void send(Map<String, Object> reply) {
        StringBuilder sb = new StringBuilder(nonce).append(' ');
        IcJson.write(sb, reply);
        PROTO.print(sb.append('\n'));
        PROTO.flush();
    }

    static Map<String, Object> reply(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String trace(Throwable e) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getFileName() != null && f.getFileName().equals(file) && shown++ < 8) {
                sb.append("  at ").append(f.getClassName()).append('.').append(f.getMethodName())
                  .append(" (").append(file).append(':').append(f.getLineNumber()).append(")\n");
            }
        }
        return sb.append(e).toString();
    }

    static Long peak() {
        try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/status"))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) { return null; }
        return null;
    }

    static void run() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) IcJson.parse(in.readLine());
        nonce = (String) header.get("nonce");
        long limitNs = ((Number) header.get("time_limit_ms")).longValue() * 1_000_000L;
        int keep = ((Number) header.get("keep_bytes")).intValue();
        long cap = ((Number) header.get("output_bytes")).longValue();
        Thread watchdog = new Thread(() -> {
            while (true) {
                try { Thread.sleep(10); } catch (InterruptedException e) { return; }
                if (System.nanoTime() > deadline) {
                    send(reply("error", "time_limit"));
                    Runtime.getRuntime().halt(0);
                }
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        if (header.get("bench") != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> bench = (Map<String, Object>) header.get("bench");
            bench(in, ((Number) bench.get("budget_ms")).longValue(), ((Number) bench.get("repeats")).intValue());
            return;
        }
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) IcJson.parse(line);
            Capture capture = new Capture(keep, cap);
            System.setOut(new PrintStream(capture, true, StandardCharsets.UTF_8));
            Map<String, Object> r;
            spent = 0;
            try {
                deadline = System.nanoTime() + limitNs;
                Object got = call(c);
                deadline = Long.MAX_VALUE;
                r = reply("ok", got, "ms", spent / 1e6);
            } catch (OutputLimit e) {
                deadline = Long.MAX_VALUE;
                r = reply("error", "output_limit");
            } catch (OutOfMemoryError e) {
                deadline = Long.MAX_VALUE;
                r = reply("error", "memory_limit");
            } catch (Throwable e) {
                deadline = Long.MAX_VALUE;
                r = capture.over ? reply("error", "output_limit") : reply("error", "runtime", "message", trace(e));
            }
            System.setOut(System.err);
            r.put("stdout", capture.text());
            r.put("mem", peak());
            send(r);
        }
    }

    /**
     * Bench mode (the header has "bench": {"budget_ms", "repeats"}): each line is one size, a
     * JSON array of inputs of that size (or one input object). After an unmeasured warm-up on
     * the first (smallest) line, each line is timed in `repeats` batches or more (while quick:
     * up to 10, within a fiftieth of the budget), a batch being as many calls as spend a
     * millisecond (each on freshly converted arguments, rotating among the line's inputs so
     * that the branch predictor and the caches cannot learn one), after a collection, and
     * answered {"ms": the best batch's mean per call} (the calls alone, in the thread's CPU
     * time: IcGlue times them); the calls of all lines share the budget (the watchdog ends the
     * process when it is spent), and the first error ends it.
     */
    static void bench(BufferedReader in, long budgetMs, int repeats) throws IOException {
        System.setOut(new PrintStream(new Capture(0, Long.MAX_VALUE), true, StandardCharsets.UTF_8));
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (threads.isCurrentThreadCpuTimeSupported()) cpu = threads;
        long end = System.nanoTime() + budgetMs * 1_000_000L;
        deadline = end;
        boolean first = true;
        final long batchNs = 1_000_000L, mostCalls = 100_000L;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            if (System.nanoTime() > end) return;
            List<Map<String, Object>> cs = inputs(IcJson.parse(line));
            int turn = 0;
            if (first) {
                first = false;
                // Warm-up on the smallest input, unmeasured: up to 500 calls or a tenth of
                // the budget, so the JIT has compiled the code before the first size is
                // timed (else the small sizes run interpreted and the large ones compiled).
                long stop = System.nanoTime() + budgetMs * 100_000L;
                for (int k = 0; k < 500 && System.nanoTime() < stop; k++) {
                    try {
                        call(cs.get(k % cs.size()));
                    } catch (Throwable e) {
                        break;
                    }
                }
            }
            long started = System.nanoTime();
            double best = Double.MAX_VALUE;
            for (int b = 0; b < Math.max(1, repeats) || (b < 10 && (System.nanoTime() - started) / 1e6 * 50 < budgetMs); b++) {
                System.gc();
                long sum = 0, k = 0;
                while (sum < batchNs && k < mostCalls) {
                    spent = 0;
                    try {
                        call(cs.get(turn++ % cs.size()));
                    } catch (Throwable e) {
                        send(reply("error", "runtime", "message", trace(e)));
                        return;
                    }
                    sum += spent;
                    k++;
                }
                best = Math.min(best, (double) sum / k);
                // A long call is its own repeat: the budget goes to more sizes.
                if (sum / 1e6 * 20 > budgetMs) break;
            }
            send(reply("ms", best / 1e6));
        }
    }

    /** A bench line's inputs: its array's objects, or the one object it is. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> inputs(Object line) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (line instanceof List) {
            for (Object c : (List<?>) line) out.add((Map<String, Object>) c);
        } else {
            out.add((Map<String, Object>) line);
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Class<?> g = Class.forName("IcGlue");
        glue = g.getDeclaredMethod("call", Map.class);
        file = (String) g.getDeclaredField("FILE").get(null);
        nodes = Class.forName("IcNodes").getDeclaredMethod("out", Object.class);
        System.setOut(System.err);
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try { run(); } catch (Throwable e) { failed[0] = e; }
        }, "judge", 256L << 20);
        t.start();
        t.join();
        if (failed[0] != null) {
            failed[0].printStackTrace();
            System.exit(3);
        }
    }

    /** A result as a JSON-shaped value: arrays and nodes to lists. */
    static Object out(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return v;
        if (v instanceof Character) return String.valueOf(v);
        Object node;
        try {
            node = nodes.invoke(null, v);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (node != null) return node;
        if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(out(java.lang.reflect.Array.get(v, i)));
            return out;
        }
        if (v instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object x : (Collection<?>) v) out.add(out(x));
            return out;
        }
        throw new IllegalStateException("returned a " + v.getClass().getName() + ", which is not a JSON value");
    }
}

/** A small JSON reader and writer: objects are LinkedHashMaps, arrays ArrayLists, integers Longs. */
final class IcJson {
    private final String s;
    private int p;
    private IcJson(String s) { this.s = s; }

    static Object parse(String text) {
        IcJson j = new IcJson(text);
        Object v = j.value();
        j.ws();
        if (j.p != text.length()) throw new IllegalArgumentException("trailing characters in JSON");
        return v;
    }

    private void ws() { while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++; }

    private Object value() {
        ws();
        if (p >= s.length()) throw new IllegalArgumentException("unexpected end of JSON");
        char c = s.charAt(p);
        if (c == '{') {
            p++;
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (s.charAt(p) == '}') { p++; return m; }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                m.put(k, value());
                ws();
                if (s.charAt(p) == ',') { p++; continue; }
                expect('}');
                return m;
            }
        }
        if (c == '[') {
            p++;
            List<Object> a = new ArrayList<>();
            ws();
            if (s.charAt(p) == ']') { p++; return a; }
            while (true) {
                a.add(value());
                ws();
                if (s.charAt(p) == ',') { p++; continue; }
                expect(']');
                return a;
            }
        }
        if (c == '"') return string();
        if (s.startsWith("true", p)) { p += 4; return Boolean.TRUE; }
        if (s.startsWith("false", p)) { p += 5; return Boolean.FALSE; }
        if (s.startsWith("null", p)) { p += 4; return null; }
        int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) p++;
        String num = s.substring(start, p);
        if (num.isEmpty()) throw new IllegalArgumentException("bad JSON at " + start);
        if (num.contains(".") || num.contains("e") || num.contains("E")) return Double.parseDouble(num);
        try { return Long.parseLong(num); } catch (NumberFormatException e) { return Double.parseDouble(num); }
    }

    private void expect(char c) {
        if (p >= s.length() || s.charAt(p) != c) throw new IllegalArgumentException("expected '" + c + "' in JSON at " + p);
        p++;
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(p++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            char e = s.charAt(p++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u': sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16)); p += 4; break;
                default: sb.append(e);
            }
        }
    }

    static void write(StringBuilder sb, Object v) {
        if (v == null) sb.append("null");
        else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) sb.append(v);
        else if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof String) {
            String s = (String) v;
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c == '\n') sb.append("\\n");
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            sb.append('"');
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                write(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object x : (List<?>) v) {
                if (!first) sb.append(',');
                first = false;
                write(sb, x);
            }
            sb.append(']');
        } else write(sb, String.valueOf(v));
    }

    // ---- typed arguments ----
    static int i(Object v) { return ((Number) v).intValue(); }
    static long l(Object v) { return ((Number) v).longValue(); }
    static double d(Object v) { return ((Number) v).doubleValue(); }
    static boolean b(Object v) { return (Boolean) v; }
    static String s(Object v) { return (String) v; }
    static List<?> a(Object v) { return (List<?>) v; }
    static int[] ia(Object v) { List<?> a = a(v); int[] r = new int[a.size()]; for (int k = 0; k < r.length; k++) r[k] = i(a.get(k)); return r; }
    static long[] la(Object v) { List<?> a = a(v); long[] r = new long[a.size()]; for (int k = 0; k < r.length; k++) r[k] = l(a.get(k)); return r; }
    static double[] da(Object v) { List<?> a = a(v); double[] r = new double[a.size()]; for (int k = 0; k < r.length; k++) r[k] = d(a.get(k)); return r; }
    static boolean[] ba(Object v) { List<?> a = a(v); boolean[] r = new boolean[a.size()]; for (int k = 0; k < r.length; k++) r[k] = b(a.get(k)); return r; }
    static String[] sa(Object v) { List<?> a = a(v); String[] r = new String[a.size()]; for (int k = 0; k < r.length; k++) r[k] = s(a.get(k)); return r; }
    static int[][] ia2(Object v) { List<?> a = a(v); int[][] r = new int[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = ia(a.get(k)); return r; }
    static long[][] la2(Object v) { List<?> a = a(v); long[][] r = new long[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = la(a.get(k)); return r; }
    static double[][] da2(Object v) { List<?> a = a(v); double[][] r = new double[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = da(a.get(k)); return r; }
    static boolean[][] ba2(Object v) { List<?> a = a(v); boolean[][] r = new boolean[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = ba(a.get(k)); return r; }
    static String[][] sa2(Object v) { List<?> a = a(v); String[][] r = new String[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = sa(a.get(k)); return r; }
}

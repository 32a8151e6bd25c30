package io.livehub.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of every scenario: one JSON line each as it ends, and tables at the end. */
final class Report {

    /** One scenario's figures, in the order they are printed. */
    static final class Row {
        final String kind;
        final Map<String, Object> figures = new LinkedHashMap<>();

        Row(String kind, String store, String scenario) {
            this.kind = kind;
            figures.put("store", store);
            figures.put("scenario", scenario);
        }

        Row put(String key, Object value) {
            figures.put(key, value);
            return this;
        }

        Object get(String key) {
            return figures.get(key);
        }

        String json() {
            StringBuilder b = new StringBuilder("{");
            figures.forEach((k, v) -> {
                b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":");
                if (v == null) {
                    b.append("null");
                } else if (v instanceof Number || v instanceof Boolean) {
                    b.append(v instanceof Double d ? format(d) : v.toString());
                } else {
                    b.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
            });
            return b.append('}').toString();
        }
    }

    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();

    Report(PrintStream out) {
        this.out = out;
    }

    void add(Row row) {
        rows.add(row);
        out.println("BENCH " + row.json());
        if (Boolean.TRUE.equals(row.get("generator_bound"))) {
            out.println("WARNING: the load generator used " + format((Double) row.get("generator_cpu"))
                    + " cores during " + row.get("scenario") + ": it may have been the bottleneck, not the server");
        }
        out.flush();
    }

    List<Row> rows() {
        return rows;
    }

    void tables() {
        table("Fan-out (latency: POST sent -> message received, ms; first_: POST sent -> an event's first delivery; post_: POST sent -> 201 read)", "fanout",
                new String[]{"store", "scenario", "subscribers", "rate", "batch", "events", "events_per_s", "deliveries_per_s",
                        "p50_ms", "p90_ms", "p99_ms", "max_ms", "first_p50_ms", "post_p50_ms", "post_p99_ms", "missing", "duplicated", "reordered", "closed",
                        "resumed", "server_cpu_s", "deliveries_per_cpu_s", "gc_pauses", "gc_pause_ms", "generator_cpu", "load"});
        table("Ingest (no subscriber)", "ingest",
                new String[]{"store", "scenario", "batch", "in_flight", "events", "events_per_s", "requests_per_s",
                        "seq_gap_free", "errors", "server_cpu_s", "generator_cpu", "load"});
        table("Idle connections (server RSS and heap after a full GC)", "idle",
                new String[]{"store", "scenario", "connections", "rss_mib", "heap_mib", "rss_bytes_per_conn",
                        "heap_bytes_per_conn", "delivered", "closed", "load"});
    }

    private void table(String title, String kind, String[] columns) {
        List<Row> selected = rows.stream().filter(r -> r.kind.equals(kind)).toList();
        if (selected.isEmpty()) {
            return;
        }
        int[] width = new int[columns.length];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            width[i] = columns[i].length();
        }
        for (Row r : selected) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                Object v = r.get(columns[i]);
                line[i] = v == null ? "" : v instanceof Double d ? format(d) : v.toString();
                width[i] = Math.max(width[i], line[i].length());
            }
            cells.add(line);
        }
        out.println();
        out.println(title);
        StringBuilder head = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            head.append(i == 0 ? "| " : " | ").append(pad(columns[i], width[i]));
            rule.append(i == 0 ? "|-" : "-|-").append("-".repeat(width[i]));
        }
        out.println(head.append(" |"));
        out.println(rule.append("-|"));
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < columns.length; i++) {
                b.append(i == 0 ? "| " : " | ").append(pad(line[i], width[i]));
            }
            out.println(b.append(" |"));
        }
        out.flush();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    static String format(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (Math.abs(d) >= 1000) {
            return Long.toString(Math.round(d));
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 10 ? "%.1f" : "%.2f", d);
    }
}

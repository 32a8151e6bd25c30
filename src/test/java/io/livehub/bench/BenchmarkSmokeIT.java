package io.livehub.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark still works: a few seconds of every scenario with a few subscribers, on the
 * PostgreSQL store, against Livehub started as its own process; no delivery missing,
 * duplicated or out of order, and the figures printed.
 */
class BenchmarkSmokeIT {

    @Test
    void smokeRunDeliversEverythingOnceInOrderAndPrintsFigures() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);
        Benchmark.Options options = Benchmark.Options.from(new String[]{"--smoke", "--stores=postgresql"});
        java.nio.file.Path serverLog = options.work().resolve("server-postgresql.log");
        long logBefore = Files.exists(serverLog) ? Files.size(serverLog) : 0; // the log is appended to, run after run
        Report report = new Benchmark(options, out).run();

        List<Report.Row> fanOut = report.rows().stream().filter(r -> r.kind.equals("fanout")).toList();
        assertEquals(4, fanOut.size(), "one fixed-rate, two maximum fan-out rows, and POSTs with one subscriber");
        for (Report.Row row : fanOut) {
            assertEquals(0L, row.get("missing"), () -> "missing in " + row.json());
            assertEquals(0L, row.get("duplicated"), () -> "duplicated in " + row.json());
            assertEquals(0L, row.get("reordered"), () -> "reordered in " + row.json());
            assertEquals("0", row.get("closed"), () -> "closed in " + row.json());
            assertTrue((Long) row.get("deliveries") > 0, () -> "nothing delivered in " + row.json());
            assertTrue(row.get("gc_pauses") instanceof Long n && n >= 0, () -> "the server's GC pauses were not read: " + row.json());
            // an event's first delivery comes no later than its others: at most the delivery that ends its last
            assertTrue(row.get("first_p50_ms") instanceof Double first && first > 0 && first <= (Double) row.get("max_ms"),
                    () -> "first deliveries measured: " + row.json());
        }
        List<Report.Row> ingest = report.rows().stream().filter(r -> r.kind.equals("ingest")).toList();
        assertEquals(2, ingest.size());
        for (Report.Row row : ingest) {
            assertEquals(true, row.get("seq_gap_free"), () -> "seqs of " + row.json());
            assertEquals(0L, row.get("errors"), () -> "errors in " + row.json());
        }
        assertTrue(report.rows().stream().anyMatch(r -> r.get("scenario").equals("held-subscribed")
                && Long.valueOf(40).equals(r.get("delivered"))), "every held connection got the event");

        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("BENCH {\"store\":\"postgresql\",\"scenario\":\"fanout-5x20\""), text);
        assertTrue(text.contains("| store") && text.contains("deliveries_per_cpu_s"), "the tables are printed");
        // mvn -Pstart's flags, which the benchmark starts the server with, name JSON-P's provider (README, "Run it")
        assertTrue(text.contains("-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl"), "the flags printed: " + text);
        byte[] logged = Files.readAllBytes(serverLog);
        assertFalse(new String(logged, (int) logBefore, logged.length - (int) logBefore, StandardCharsets.UTF_8)
                .contains("jakarta.json.provider is not set"), "the server found JSON-P's provider by name");
        assertFalse(text.contains("\"p99_ms\":-"), "latencies were measured");

        Matcher schema = Pattern
                .compile("PostgreSQL: this run's store is the new schema (livehub_bench_[a-z0-9]+) ").matcher(text);
        assertTrue(schema.find(), "the run had a schema of its own: " + text);
        try (Connection c = DriverManager.getConnection(options.dbUrl(), options.dbUser(), options.dbPassword());
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            q.setString(1, schema.group(1));
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1), "the run's schema " + schema.group(1) + " is dropped at its end");
            }
        }
    }

    /**
     * {@code --auth=jwt} measures the default mode: the server verifies a token on every POST and
     * handshake, and the generator sends one (a request without it would be refused: 401 counts as an
     * error, a refused handshake fails the scenario).
     */
    @Test
    void jwtModeCarriesATokenOnEveryRequestAndHandshake() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);
        Benchmark.Options options = Benchmark.Options.from(new String[]{"--smoke", "--stores=embedded", "--auth=jwt"});
        Report report = new Benchmark(options, out).run();

        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("authentication: livehub.auth.mode=jwt"), "the mode is printed");
        List<Report.Row> ingest = report.rows().stream().filter(r -> r.kind.equals("ingest")).toList();
        assertEquals(2, ingest.size());
        for (Report.Row row : ingest) {
            assertEquals(0L, row.get("errors"), () -> "errors in " + row.json());
            assertEquals(true, row.get("seq_gap_free"), () -> "seqs of " + row.json());
        }
        List<Report.Row> fanOut = report.rows().stream().filter(r -> r.kind.equals("fanout")).toList();
        assertEquals(4, fanOut.size());
        for (Report.Row row : fanOut) {
            assertEquals(0L, row.get("missing"), () -> "missing in " + row.json());
            assertTrue((Long) row.get("deliveries") > 0, () -> "nothing delivered in " + row.json());
        }
    }

    /**
     * The point of comparison still runs under the same generator: the Node.js hub answers every
     * scenario, delivers everything once and in order, and tells its heap.
     */
    @Test
    void referenceHubRunsTheSameScenarios() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);
        Benchmark.Options options = Benchmark.Options.from(new String[]{"--smoke", "--stores=" + ReferenceHub.NAME});
        Report report = new Benchmark(options, out).run();

        everyFanOutDeliveredOnceInOrder(report, ReferenceHub.NAME);
        assertTrue(report.rows().stream().filter(r -> r.kind.equals("ingest")).allMatch(r -> Boolean.TRUE.equals(r.get("seq_gap_free"))),
                "the reference answers gap-free seqs");
        Report.Row held = report.rows().stream().filter(r -> r.get("scenario").equals("held-subscribed")).findFirst().orElseThrow();
        assertEquals(40L, held.get("delivered"), held::json);
        assertTrue(held.get("heap_mib") instanceof Double heap && heap > 0, () -> "V8's heap not read: " + held.json());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("on Node.js v"), "the Node.js version is printed");
    }

    /**
     * The floor hub, in a JVM of its own with the server's flags, answers every scenario under the
     * same generator and delivers everything once and in order; its heap is read as a JVM's.
     */
    @Test
    void floorHubRunsTheSameScenarios() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed, System.out), true, StandardCharsets.UTF_8);
        Benchmark.Options options = Benchmark.Options.from(new String[]{"--smoke", "--stores=" + FloorHub.NAME});
        java.nio.file.Path log = options.work().resolve("server-" + FloorHub.NAME + ".log");
        long logBefore = Files.exists(log) ? Files.size(log) : 0; // the log is appended to, run after run
        Report report = new Benchmark(options, out).run();

        everyFanOutDeliveredOnceInOrder(report, FloorHub.NAME);
        assertTrue(report.rows().stream().filter(r -> r.kind.equals("ingest")).allMatch(r -> Boolean.TRUE.equals(r.get("seq_gap_free"))
                && Long.valueOf(0).equals(r.get("errors"))), "the floor answers gap-free seqs");
        Report.Row held = report.rows().stream().filter(r -> r.get("scenario").equals("held-subscribed")).findFirst().orElseThrow();
        assertEquals(40L, held.get("delivered"), held::json);
        assertTrue(held.get("heap_mib") instanceof Double heap && heap > 0, () -> "the JVM's heap not read: " + held.json());
        byte[] logged = Files.readAllBytes(log);
        String started = new String(logged, (int) logBefore, logged.length - (int) logBefore, StandardCharsets.UTF_8);
        assertTrue(started.contains("JVM flags: " + String.join(" ", Benchmark.serverJvmFlags())), "the server's flags: " + started);
    }

    /** Another hub's four fan-out rows: everything delivered once, in order, none closed, and its CPU read. */
    private static void everyFanOutDeliveredOnceInOrder(Report report, String store) {
        List<Report.Row> fanOut = report.rows().stream().filter(r -> r.kind.equals("fanout")).toList();
        assertEquals(4, fanOut.size());
        for (Report.Row row : fanOut) {
            assertEquals(store, row.get("store"));
            assertEquals(0L, row.get("missing"), () -> "missing in " + row.json());
            assertEquals(0L, row.get("duplicated"), () -> "duplicated in " + row.json());
            assertEquals(0L, row.get("reordered"), () -> "reordered in " + row.json());
            assertEquals("0", row.get("closed"), () -> "closed in " + row.json());
            assertTrue((Long) row.get("deliveries") > 0, () -> "nothing delivered in " + row.json());
            assertTrue(row.get("deliveries_per_cpu_s") instanceof Double d && d > 0, () -> "server CPU not read: " + row.json());
        }
    }

    /** Keeps what the benchmark prints and shows it in the test's output too. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}

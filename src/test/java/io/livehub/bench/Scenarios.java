package io.livehub.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The scenarios of issue 6, against one running server; {@code smoke} shrinks counts and times only. */
final class Scenarios {

    private static final int SOCKET_THREADS = 2;
    /** Connections a fixed rate is POSTed from: enough that the rate holds while a POST takes up to 300 ms. */
    private static final int RATE_THREADS = 32;
    private static final long CONNECT_TIMEOUT_MS = 180_000;
    /** A scenario's deliveries are complete when every one arrived, or nothing arrived for this long. */
    private static final long DRAIN_QUIET_MS = 5_000;

    private final Benchmark bench;
    private final boolean smoke;
    private final PrintStream out;
    /** Handshakes the server answered 503 (its handshake rate) and the generator tried again. */
    private int retries;

    Scenarios(Benchmark bench) {
        this.bench = bench;
        this.smoke = bench.options().smoke();
        this.out = bench.out();
    }

    void all() throws Exception {
        Benchmark.Options o = bench.options();
        if (o.runs("idle")) {
            idle(smoke ? 20 : 5000, smoke ? 40 : Benchmark.MAX_CONNECTIONS);
        }
        if (!smoke && (o.runs("fanout") || o.runs("max") || o.runs("ingest"))) {
            warmUp();
        }
        if (o.runs("fanout")) {
            int seconds = smoke ? 2 : 20;
            if (smoke) {
                fanOut("fanout-5x20", 5, 20, seconds, true);
            } else {
                fanOut("fanout-500x100", 500, 100, seconds, true);
                fanOut("fanout-1000x100", 1000, 100, seconds, true);
                fanOut("fanout-2000x100", 2000, 100, seconds, true);
                fanOut("fanout-1000x20", 1000, 20, seconds, true);
                fanOut("fanout-2000x10", 2000, 10, seconds, true);
            }
        }
        if (o.runs("max")) {
            int subscribers = smoke ? 5 : 1000;
            double seconds = smoke ? 1 : 10;
            maxFanOut("max-" + subscribers + "-single", subscribers, 1, seconds);
            maxFanOut("max-" + subscribers + "-batch50", subscribers, 50, seconds);
        }
        if (o.runs("ingest")) {
            double seconds = smoke ? 1 : 10;
            settle("ingest-single", 1);
            ingest("ingest-single", 1, seconds);
            settle("ingest-batch50", 50);
            ingest("ingest-batch50", 50, seconds);
            // the core issue's figure: single POSTs, 16 in flight, with one subscriber connected
            settle("ingest-single-1-subscriber", 1);
            maxFanOut("ingest-single-1-subscriber", 1, 1, seconds);
        }
    }

    /**
     * Steady state, not the JIT: C2 takes about a minute of full-rate POSTs to compile Payara's
     * request path on a 2-core machine here (its thread busy all along, the rate rising from 700
     * to 3,300 a second), and each fixed-rate scenario sends only 200 to 2000 POSTs. So single
     * POSTs run in rounds until C2 is quiet (see {@link #compiled}), then batches for 5 s, then the
     * fan-out path at 1000 subscribers, 100 events/s, 10 s.
     */
    private void warmUp() throws Exception {
        String rates = compiled(bench.channel("warm-up"), 1, 4);
        out.printf(Locale.ROOT, "warm-up (not reported): single POSTs, 16 in flight, rounds of 5 s: %s%n", rates);
        new Publisher(bench.port(), bench.token(), bench.channel("warm-up")).flat(16, 50, 5);
        out.println("warm-up (not reported): batches of 50 for 5 s; then 1000 subscribers at 100 events/s for 10 s");
        fanOut("warm-up", 1000, 100, 10, false);
    }

    /**
     * Before an ingest scenario, its own load, not reported, until C2 is quiet again: the batches and
     * the fan-out before it make C2 recompile the request path they share with single POSTs (Grizzly's
     * filter chain, Weld, Catalina: 771 methods made not entrant during the warm-up's batches and fan-out,
     * 221 more in the next 10 s of single POSTs), and that recompilation took 32 % of the server's CPU
     * samples in the first 10 s of single POSTs after the warm-up, in a profile on a 2-core machine here.
     */
    private void settle(String scenario, int batch) throws Exception {
        if (!smoke) {
            out.printf(Locale.ROOT, "settling before %s (not reported): %s, 16 in flight, rounds of 5 s: %s%n", scenario,
                    batch == 1 ? "single POSTs" : "batches of " + batch, compiled(bench.channel("settle"), batch, 1));
        }
    }

    /**
     * POSTs {@code batch} events at a time, 16 in flight, in rounds of 5 s until the server's C2 compiler
     * threads used under 5 % of a core in a round (at least {@code minRounds}, at most 36 rounds);
     * answers each round's events/s and C2's share of the last round.
     */
    private String compiled(String channel, int batch, int minRounds) throws Exception {
        List<Round> rounds = untilCompiled(minRounds, 36,
                () -> new Publisher(bench.port(), bench.token(), channel).flat(16, batch, 5).accepted.get() / 5);
        String rates = rounds.stream().map(r -> Long.toString(r.figure())).collect(Collectors.joining(", "));
        return rates + " events/s; " + (bench.serverIsJvm()
                ? String.format(Locale.ROOT, "C2 used %.0f %% of a core in the last round", rounds.get(rounds.size() - 1).c2() * 100)
                : "not a JVM: " + rounds.size() + " rounds");
    }

    /** A round of load; answers its figure to print (events/s, say). */
    private interface Load {
        long run() throws Exception;
    }

    /** A round's figure, and the share of a core the server's C2 compiler threads used in it. */
    private record Round(long figure, double c2) {
    }

    /**
     * Runs {@code load} in rounds until the server's C2 compiler threads used under 5 % of a core in
     * one (at least {@code minRounds}, at most {@code maxRounds}).
     */
    private List<Round> untilCompiled(int minRounds, int maxRounds, Load load) throws Exception {
        Proc server = bench.serverProc();
        List<Round> rounds = new ArrayList<>();
        double c2 = 1;
        while (rounds.size() < maxRounds && (rounds.size() < minRounds || c2 >= 0.05)) {
            double compiled = server.jitSeconds(); // 0 for the reference hub: it has no C2 threads
            long started = System.nanoTime();
            long figure = load.run();
            c2 = (server.jitSeconds() - compiled) / ((System.nanoTime() - started) / 1e9);
            rounds.add(new Round(figure, c2));
        }
        return rounds;
    }

    /** Fixed rate: {@code subscribers} on one channel, {@code rate} single POSTs a second for {@code seconds}. */
    private void fanOut(String name, int subscribers, int rate, int seconds, boolean report) throws Exception {
        if (report && !smoke) {
            settleFanOut(name, subscribers, rate);
        }
        String channel = bench.channel(name);
        try (Sockets sockets = new Sockets(bench.port(), bench.token(), SOCKET_THREADS, 0)) {
            sockets.connect(subscribers, channel, CONNECT_TIMEOUT_MS);
            sockets.awaitSubscribed(subscribers, CONNECT_TIMEOUT_MS);
            Meter meter = new Meter(bench.serverProc());
            Publisher.Published p = new Publisher(bench.port(), bench.token(), channel).atRate(rate, rate * seconds, RATE_THREADS);
            delivered(name, subscribers, sockets, p, meter, report, Integer.toString(rate), 1);
        }
    }

    /**
     * Before a fixed-rate scenario, the same scenario on other connections and another channel, not
     * reported, in rounds of 5 s until the server's C2 compiler threads used under 5 % of a core in a
     * round (at least one round, at most 12), as {@link #settle} does before ingest: the figures are
     * the steady state's. Measured here: after the warm-up, C2 still took 41-44 % of a core in the
     * first 5 s of 500 x 100/s, and 8-9 % in the fourth; without these rounds that scenario ran
     * while it compiled (54,600 deliveries per CPU-second in one run, 61,000-63,000 in two with them).
     */
    private void settleFanOut(String name, int subscribers, int rate) throws Exception {
        String channel = bench.channel("settle-" + name);
        List<Round> rounds;
        try (Sockets sockets = new Sockets(bench.port(), bench.token(), SOCKET_THREADS, 0)) {
            sockets.connect(subscribers, channel, CONNECT_TIMEOUT_MS);
            sockets.awaitSubscribed(subscribers, CONNECT_TIMEOUT_MS);
            long[] published = {0};
            rounds = untilCompiled(1, 12, () -> {
                published[0] += new Publisher(bench.port(), bench.token(), channel).atRate(rate, rate * 5, RATE_THREADS).accepted.get();
                long expected = published[0] * subscribers;
                sockets.awaitDeliveries(() -> sockets.deliveries() >= expected, DRAIN_QUIET_MS);
                return expected;
            });
        }
        String shares = bench.serverIsJvm()
                ? rounds.stream().map(r -> String.format(Locale.ROOT, "%.0f %%", r.c2() * 100)).collect(Collectors.joining(", "))
                : "not a JVM: " + rounds.size() + " round";
        out.printf(Locale.ROOT, "settling before %s (not reported): the same load on %d other connections, rounds of 5 s; "
                + "C2's share of a core: %s%n", name, subscribers, shares);
    }

    /** As fast as the server accepts: 16 requests in flight, single events or batches. */
    private void maxFanOut(String name, int subscribers, int batch, double seconds) throws Exception {
        String channel = bench.channel(name);
        try (Sockets sockets = new Sockets(bench.port(), bench.token(), SOCKET_THREADS, 0)) {
            sockets.connect(subscribers, channel, CONNECT_TIMEOUT_MS);
            sockets.awaitSubscribed(subscribers, CONNECT_TIMEOUT_MS);
            Meter meter = new Meter(bench.serverProc());
            Publisher.Published p = new Publisher(bench.port(), bench.token(), channel).flat(16, batch, seconds);
            delivered(name, subscribers, sockets, p, meter, true, "max", batch);
        }
    }

    private void delivered(String name, int subscribers, Sockets sockets, Publisher.Published p, Meter meter,
                           boolean report, String rate, int batch) throws InterruptedException {
        long expected = p.accepted.get() * subscribers;
        // connections closed by the server reconnect and resume (Sockets): all of their deliveries are awaited too.
        // When some could not resume, every connection's last seq is awaited (read every 100 ms): counting those
        // as missing all their events ended the wait while others still received theirs, and counted those missing
        long[] checked = {0};
        boolean complete = sockets.awaitDeliveries(() -> {
            if (sockets.deliveries() >= expected) {
                return true;
            }
            if (sockets.unrecovered() == 0 || System.nanoTime() - checked[0] < 100_000_000L) {
                return false;
            }
            checked[0] = System.nanoTime();
            try {
                return sockets.caughtUp(p.accepted.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, DRAIN_QUIET_MS);
        Sockets.Accounting a = sockets.account(p.accepted.get());
        Meter.Reading m = meter.read(a.lastDelivery);
        if (!report) {
            return;
        }
        long deliveries = sockets.deliveries();
        Report.Row row = new Report.Row("fanout", bench.store(), name)
                .put("subscribers", subscribers).put("rate", rate).put("batch", batch)
                .put("events", p.accepted.get())
                .put("events_per_s", p.accepted.get() / p.seconds())
                .put("deliveries", deliveries)
                .put("deliveries_per_s", deliveries / m.wallSeconds())
                .put("p50_ms", a.latencies.percentile(0.50) / 1000.0)
                .put("p90_ms", a.latencies.percentile(0.90) / 1000.0)
                .put("p99_ms", a.latencies.percentile(0.99) / 1000.0)
                .put("max_ms", a.latencies.percentile(1.0) / 1000.0)
                .put("first_p50_ms", a.firstDeliveries().percentile(0.50) / 1000.0)
                .put("post_p50_ms", p.roundTrips.percentile(0.50) / 1000.0)
                .put("post_p99_ms", p.roundTrips.percentile(0.99) / 1000.0)
                .put("missing", a.missing).put("duplicated", a.duplicated).put("reordered", a.reordered)
                .put("closed", sockets.closedByServer() == 0 ? "0" : sockets.closedByServer() + " " + sockets.closeCodes())
                .put("resumed", sockets.resumed())
                .put("unrecovered", sockets.unrecovered())
                .put("publish_errors", p.errors.get())
                .put("seq_gap_free", p.gapFree())
                .put("complete", complete);
        m.put(row, deliveries);
        if (p.lastError != null) {
            row.put("last_error", p.lastError);
        }
        if (!a.incomplete.isEmpty()) {
            row.put("incomplete", String.join("; ", a.incomplete));
        }
        bench.report().add(row);
    }

    private void ingest(String name, int batch, double seconds) throws Exception {
        String channel = bench.channel(name);
        Meter meter = new Meter(bench.serverProc());
        Publisher.Published p = new Publisher(bench.port(), bench.token(), channel).flat(16, batch, seconds);
        Meter.Reading m = meter.read(System.nanoTime());
        Report.Row row = new Report.Row("ingest", bench.store(), name)
                .put("batch", batch).put("in_flight", 16)
                .put("events", p.accepted.get())
                .put("events_per_s", p.accepted.get() / p.seconds())
                .put("requests_per_s", p.requests.get() / p.seconds())
                .put("seq_gap_free", p.gapFree())
                .put("errors", p.errors.get());
        m.put(row, 0);
        if (p.lastError != null) {
            row.put("last_error", p.lastError);
        }
        bench.report().add(row);
    }

    /** Idle connections: the server's memory per connection, then per subscribed one, then twice as many held. */
    private void idle(int count, int held) throws Exception {
        Proc proc = bench.serverProc();
        String channel = bench.channel("idle");
        long heap0 = bench.heapAfterGc();
        long rss0 = proc.rssBytes();
        histogram("before");
        idleRow("idle-before", 0, rss0, heap0, 0, 0, null, 0);
        try (Sockets sockets = new Sockets(bench.port(), bench.token(), SOCKET_THREADS, 0)) {
            sockets.connect(count, null, CONNECT_TIMEOUT_MS);
            Thread.sleep(1000);
            long heap1 = bench.heapAfterGc();
            long rss1 = proc.rssBytes();
            idleRow("idle-connected", count, rss1, heap1, rss0, heap0, null, sockets.closedByServer());
            sockets.subscribeAll(channel, CONNECT_TIMEOUT_MS);
            Thread.sleep(1000);
            long heap2 = bench.heapAfterGc();
            long rss2 = proc.rssBytes();
            idleRow("idle-subscribed", count, rss2, heap2, rss0, heap0, null, sockets.closedByServer());
            histogram(count + "-subscribed");

            sockets.connect(held - count, channel, CONNECT_TIMEOUT_MS);
            sockets.awaitSubscribed(held, CONNECT_TIMEOUT_MS);
            Publisher.Published p = new Publisher(bench.port(), bench.token(), channel).atRate(1, 1, 1);
            sockets.awaitDeliveries(() -> sockets.deliveries() >= (long) held * p.accepted.get(), DRAIN_QUIET_MS);
            long heap3 = bench.heapAfterGc();
            long rss3 = proc.rssBytes();
            retries = sockets.handshakeRetries();
            idleRow("held-subscribed", held, rss3, heap3, rss0, heap0, sockets.deliveries(), sockets.closedByServer());
        }
    }

    /**
     * With {@code -Dbench.idle.histogram=true}, the server's class histogram (after a full GC) to
     * {@code idle-histogram-<store>-<when>.txt}: two of them show what a connection holds.
     */
    private void histogram(String when) throws java.io.IOException {
        if (Boolean.getBoolean("bench.idle.histogram") && bench.serverIsJvm()) {
            java.nio.file.Path file = bench.options().work().resolve("idle-histogram-" + bench.store() + "-" + when + ".txt");
            java.nio.file.Files.writeString(file, bench.serverProc().jcmd("GC.class_histogram"));
            out.println("class histogram of the server, " + when + ": " + file);
        }
    }

    private Report.Row idleRow(String name, int connections, long rss, long heap, long rss0, long heap0, Long delivered,
                               int closed) {
        Report.Row row = new Report.Row("idle", bench.store(), name)
                .put("connections", connections)
                .put("rss_mib", rss / 1048576.0)
                .put("heap_mib", heap / 1048576.0)
                .put("rss_bytes_per_conn", connections == 0 ? null : (rss - rss0) / connections)
                .put("heap_bytes_per_conn", connections == 0 ? null : (heap - heap0) / connections)
                .put("delivered", delivered)
                .put("closed", closed)
                .put("load", Benchmark.load());
        if (retries > 0) {
            row.put("handshake_retries", retries);
        }
        bench.report().add(row);
        return row;
    }

    /** Server and generator CPU over a scenario, from its start to its last delivery. */
    static final class Meter {
        private final Proc server;
        private final Proc self = Proc.self();
        private final long start = System.nanoTime();
        private final double serverCpu;
        private final double ownCpu;
        private final Proc.GcPauses gc;

        Meter(Proc server) {
            this.server = server;
            this.serverCpu = server.cpuSeconds();
            this.ownCpu = self.cpuSeconds();
            this.gc = server.gcPauses();
        }

        /** {@code gc}: the server's GC pauses in the scenario, null when its counters cannot be read. */
        record Reading(double wall, double serverCpu, double ownCpu, double totalWall, Proc.GcPauses gc) {
            double wallSeconds() {
                return wall;
            }

            void put(Report.Row row, long deliveries) {
                row.put("server_cpu_s", serverCpu);
                if (deliveries > 0) {
                    row.put("deliveries_per_cpu_s", serverCpu > 0 ? deliveries / serverCpu : null);
                }
                double generator = ownCpu / totalWall;
                row.put("gc_pauses", gc == null ? null : gc.count());
                row.put("gc_pause_ms", gc == null ? null : Math.round(gc.seconds() * 10_000) / 10.0);
                row.put("generator_cpu", generator);
                if (generator > Benchmark.GENERATOR_BOUND) {
                    row.put("generator_bound", true);
                }
                row.put("load", Benchmark.load());
            }
        }

        /** {@code lastEvent}: the nanoTime of the last delivery (or the end of publishing). */
        Reading read(long lastEvent) {
            long now = System.nanoTime();
            double wall = Math.max(1e-3, (Math.max(lastEvent, start) - start) / 1e9);
            Proc.GcPauses after = gc == null ? null : server.gcPauses();
            return new Reading(wall, server.cpuSeconds() - serverCpu, self.cpuSeconds() - ownCpu, (now - start) / 1e9,
                    after == null ? null : after.minus(gc));
        }
    }
}

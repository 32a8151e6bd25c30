package io.livehub.bench;

import io.livehub.support.ServerProcess;
import io.livehub.support.TestTokens;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark of issue 6: starts Livehub as its own process (Payara Micro with the README's JVM
 * flags) on PostgreSQL and on the embedded store, drives it over 127.0.0.1 from this JVM, stops it,
 * and prints one JSON line per scenario ({@code BENCH {...}}) and a table per kind of scenario.
 * Run it with {@code bench/run.sh}; {@code --smoke} is the few-second run {@code mvn verify} makes.
 */
public final class Benchmark {

    /** What to run. The full scenarios are fixed by the issue; {@code smoke} shrinks counts and times. */
    record Options(boolean smoke, List<String> stores, List<String> only, boolean jwt, Path work, String dbUrl,
                   String dbUser, String dbPassword, List<String> extraJvm) {

        static Options from(String[] args) {
            boolean smoke = false;
            List<String> stores = new ArrayList<>(List.of("postgresql", "embedded"));
            List<String> only = new ArrayList<>();
            boolean jwt = false;
            for (String arg : args) {
                if (arg.equals("--smoke")) {
                    smoke = true;
                } else if (arg.startsWith("--stores=")) {
                    stores = List.of(arg.substring(9).split(","));
                    for (String store : stores) {
                        if (!List.of("postgresql", "embedded", ReferenceHub.NAME, FloorHub.NAME).contains(store)) {
                            throw new IllegalArgumentException("unknown store " + store + " (known: postgresql, embedded, and "
                                    + ReferenceHub.NAME + ", the reference hub, and " + FloorHub.NAME + ", the floor)");
                        }
                    }
                } else if (arg.startsWith("--only=")) {
                    only = List.of(arg.substring(7).split(","));
                } else if (arg.equals("--auth=jwt") || arg.equals("--auth=open")) {
                    jwt = arg.equals("--auth=jwt");
                } else {
                    throw new IllegalArgumentException("unknown argument " + arg
                            + " (known: --smoke, --stores=postgresql,embedded," + ReferenceHub.NAME + "," + FloorHub.NAME
                            + ", --only=idle,fanout,max,ingest, --auth=open|jwt)");
                }
            }
            String extra = System.getProperty("bench.server.extra", "").trim();
            return new Options(smoke, stores, only, jwt, Path.of(System.getProperty("bench.dir", "target/bench")),
                    System.getProperty("livehub.test.db.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                    System.getProperty("livehub.test.db.user", "postgres"),
                    System.getProperty("livehub.test.db.password", ""),
                    extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")));
        }

        boolean runs(String group) {
            return only.isEmpty() || only.contains(group);
        }
    }

    private final Options options;
    private final Report report;
    private final PrintStream out;
    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);
    private String store;
    private ServerProcess server;
    /** While the reference hub is the server measured, instead of Livehub. */
    private ReferenceHub reference;
    private Proc serverProc;
    private int port;
    private final String token;

    Benchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.report = new Report(out);
        this.token = options.jwt ? TestTokens.mint("bench", List.of("admin"), null, TimeUnit.DAYS.toSeconds(1)) : null;
    }

    public static void main(String[] args) throws Exception {
        Benchmark b = new Benchmark(Options.from(args), System.out);
        b.run();
        System.exit(0);
    }

    Report run() throws Exception {
        List<String> jvm = serverJvmFlags();
        out.printf(Locale.ROOT, "Livehub benchmark %s: %d cores (%s), %s %s, load average %s%n", options.smoke ? "(smoke run)" : "",
                Runtime.getRuntime().availableProcessors(), Proc.cpu(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), load());
        out.println("server JVM flags (pom.xml profile 'start', as `mvn -Pstart` runs it): " + String.join(" ", jvm)
                + " (GC: the JVM's default, G1)");
        if (options.stores.contains(ReferenceHub.NAME)) {
            out.println("reference hub (" + ReferenceHub.NAME + "): bench/reference/hub.mjs, in-memory, on Node.js "
                    + ReferenceHub.nodeVersion() + " and ws (bench/reference/package-lock.json)");
        }
        if (options.stores.contains(FloorHub.NAME)) {
            out.println("floor (" + FloorHub.NAME + "): io.livehub.bench.FloorHub, in-memory, plain NIO with the server's JVM flags:"
                    + " about the least a hub can do per delivery in a JVM here");
        }
        if (!options.extraJvm.isEmpty()) {
            out.println("added for this run only: " + String.join(" ", options.extraJvm));
        }
        out.println(options.jwt
                ? "authentication: livehub.auth.mode=jwt, every POST and handshake with an RS256 token (the reference hub checks none);"
                + " livehub.ws.max-connections-per-user=" + MAX_CONNECTIONS + ", since every connection is the token's one user"
                : "authentication: livehub.auth.mode=open (none; --auth=jwt for the default mode)");
        out.println("open-files limit of this process: " + openFilesLimit() + " (the server inherits it)");
        for (String s : options.stores) {
            store = s;
            if (s.equals(ReferenceHub.NAME) || s.equals(FloorHub.NAME)) {
                runReference(jvm);
            } else {
                runStore(jvm);
            }
        }
        report.tables();
        out.println();
        out.println("generator_cpu: the load generator's own CPU, in cores (1.0 = one core busy); over "
                + GENERATOR_BOUND + " it may have been the bottleneck and the row says so.");
        return report;
    }

    private void runStore(List<String> flags) throws Exception {
        Files.createDirectories(options.work);
        List<String> jvm = new ArrayList<>(flags);
        jvm.addAll(options.extraJvm);
        List<String> properties = new ArrayList<>();
        if (options.jwt) {
            properties.add("livehub.auth.mode=jwt");
            properties.addAll(List.of(TestTokens.serverProperties()));
            // every connection is the one user of the benchmark's token, 10,000 of them at most
            properties.add("livehub.ws.max-connections-per-user=" + MAX_CONNECTIONS);
        } else {
            properties.add("livehub.auth.mode=open");
        }
        String schema = null;
        if (store.equals("postgresql")) {
            schema = "livehub_bench_" + run;
            createSchema(schema);
            properties.add("livehub.db.url=" + options.dbUrl + (options.dbUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            properties.add("livehub.db.user=" + options.dbUser);
            if (!options.dbPassword.isEmpty()) {
                properties.add("livehub.db.password=" + options.dbPassword);
            }
        }
        Path data = Files.createTempDirectory(options.work, "data-" + store + "-");
        properties.add("livehub.data.dir=" + data.toAbsolutePath());
        Path log = options.work.resolve("server-" + store + ".log");
        out.println();
        out.println("== store " + store + ": starting Livehub (log " + log + ")");
        server = new ServerProcess(log, jvm, properties.toArray(String[]::new)).start();
        try {
            port = server.base().getPort();
            serverProc = new Proc(server.pid());
            out.println("server pid " + server.pid() + ", " + server.base());
            Scenarios scenarios = new Scenarios(this);
            scenarios.all();
        } finally {
            server.stop();
            if (schema != null) {
                dropSchema(schema);
            }
        }
    }

    /**
     * Each run on PostgreSQL starts from an empty store, as on the embedded one: its own schema in the
     * database, dropped when the run ends. (In the shared database, each run's million-odd events made
     * the next run's inserts and commits slower: single POSTs moved between 1,300 and 2,700 a second
     * between runs of one commit with 7 million events and 3.4 GB of change log left behind.)
     */
    private void createSchema(String schema) throws SQLException {
        execute("CREATE SCHEMA " + schema);
        out.println("PostgreSQL: this run's store is the new schema " + schema + " of " + options.dbUrl + ", dropped at the end");
    }

    private void dropSchema(String schema) {
        try {
            execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            out.println("WARNING: could not drop the schema " + schema + ": " + e.getMessage());
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(options.dbUrl, options.dbUser, options.dbPassword);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * The same scenarios against a hub other than Livehub: the reference hub, an in-memory Node.js hub
     * on ws, or the floor hub, in a JVM with the server's {@code flags}.
     */
    private void runReference(List<String> flags) throws Exception {
        Files.createDirectories(options.work);
        Path log = options.work.resolve("server-" + store + ".log");
        out.println();
        out.println("== " + store + ": starting " + (store.equals(FloorHub.NAME) ? "the floor hub" : "the reference hub")
                + " (log " + log + ")");
        List<String> jvm = new ArrayList<>(flags);
        jvm.addAll(options.extraJvm);
        try (ReferenceHub hub = store.equals(FloorHub.NAME) ? ReferenceHub.floor(jvm, log)
                : ReferenceHub.start(Path.of(System.getProperty("bench.reference", "bench/reference")), log, out)) {
            reference = hub;
            port = hub.port();
            serverProc = new Proc(hub.pid());
            out.println("server pid " + hub.pid() + ", http://127.0.0.1:" + port + "/");
            new Scenarios(this).all();
        } finally {
            reference = null;
        }
    }

    static final double GENERATOR_BOUND = 0.8;
    /** The most connections a scenario opens (10,000 held). */
    static final int MAX_CONNECTIONS = 10_000;

    /**
     * The JVM flags of {@code mvn -Pstart}: the start profile's java arguments before {@code -jar},
     * but the URL it announces (the benchmark's server has a port of its own).
     */
    static List<String> serverJvmFlags() throws IOException {
        String pom = Files.readString(Path.of(System.getProperty("bench.pom", "pom.xml")));
        Matcher profile = Pattern.compile("<id>start</id>(.*?)</profile>", Pattern.DOTALL).matcher(pom);
        if (!profile.find()) {
            throw new IllegalStateException("pom.xml has no profile 'start'");
        }
        List<String> flags = new ArrayList<>();
        Matcher argument = Pattern.compile("<argument>(.*?)</argument>").matcher(profile.group(1));
        while (argument.find() && !argument.group(1).equals("-jar")) {
            if (argument.group(1).startsWith("-X") || argument.group(1).startsWith("-D") && !argument.group(1).startsWith("-Dlivehub.url=")) {
                flags.add(argument.group(1));
            }
        }
        return flags;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.substring(26).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown";
    }

    // for Scenarios
    Options options() {
        return options;
    }

    Report report() {
        return report;
    }

    PrintStream out() {
        return out;
    }

    String store() {
        return store;
    }

    int port() {
        return port;
    }

    /** The token every request and handshake carries with {@code --auth=jwt} (an admin's), else null. */
    String token() {
        return token;
    }

    Proc serverProc() {
        return serverProc;
    }

    /** The server's heap in use after a full collection: the JVM's, or V8's for the reference hub. */
    long heapAfterGc() {
        return serverIsJvm() ? serverProc.heapAfterGc() : reference.heapAfterGc();
    }

    /** Whether the server measured is a JVM (Livehub or the floor hub), not the Node.js hub. */
    boolean serverIsJvm() {
        return reference == null || reference.jvm();
    }

    String channel(String scenario) {
        return ("bench-" + run + "-" + store + "-" + scenario).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._:-]", "-");
    }
}

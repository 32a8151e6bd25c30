package io.livehub.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Livehub as a user runs it: {@code java -jar payara-micro.jar --deploy livehub.war}, in its own
 * process on a free port of 127.0.0.1, for tests that restart or kill the server.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(180);
    /** Payara Micro's line once it has booted and deployed what it could. */
    private static final Pattern READY = Pattern.compile("Payara Micro \\S+ \\(build \\d+\\) ready in ");
    /** How long a booted server may still answer 404 before the application counts as not deployed. */
    private static final Duration DEPLOY_GRACE = Duration.ofSeconds(5);
    /** A SEVERE line of Payara's log, its message after the bracketed fields; ANSI colours removed first. */
    private static final Pattern SEVERE = Pattern.compile("(?m)^\\[[^\\n]*\\[SEVERE\\][^\\n]*?\\[levelValue: \\d+\\] ?([^\\n]*)$");

    private final List<String> command;
    private final Path war;
    private final Path log;
    private final int port;
    private Process process;
    /** Where this start's lines begin in the log, which earlier starts may have written to. */
    private long logStart;

    /** Where a test's own server keeps its data and its log: a fresh folder and a log file under {@code target/}. */
    public record Place(Path dataDir, Path log) {
    }

    public static Place place(String name) throws IOException {
        Path target = Path.of(System.getProperty("livehub.war", "target/livehub.war")).toAbsolutePath().getParent();
        Path log = target.resolve(name + "-it.log");
        Files.deleteIfExists(log);
        return new Place(Files.createTempDirectory(target, name + "-"), log);
    }

    /** The tests' JVM options: a smaller heap than {@code mvn -Pstart}'s, and its JSON-P provider by name. */
    public static final List<String> TEST_JVM = List.of("-Xmx512m", "-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl");

    public ServerProcess(Path log, String... systemProperties) throws IOException {
        this(log, TEST_JVM, systemProperties);
    }

    /** With these JVM options (heap, GC, a flight recording) instead of {@link #TEST_JVM}. */
    public ServerProcess(Path log, List<String> jvmOptions, String... systemProperties) throws IOException {
        this(log, jvmOptions, Path.of(System.getProperty("livehub.war", "target/livehub.war")), systemProperties);
    }

    /** Deploying {@code war} instead of Livehub's. */
    public ServerProcess(Path log, List<String> jvmOptions, Path war, String... systemProperties) throws IOException {
        this.port = freePort();
        this.war = war;
        this.log = log;
        command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        // as `mvn -Pstart` says where users reach it (the ready message names it)
        command.add("-Dlivehub.url=" + base());
        for (String property : systemProperties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", System.getProperty("payara.microJar", "target/payara-micro.jar"),
                "--deploy", war.toString(),
                "--nocluster", "--port", Integer.toString(port)));
        // the server settings of `mvn -Pstart`, so that what is measured is what runs
        Path preBoot = Path.of(System.getProperty("livehub.preboot", "server-config/pre-boot-commands.txt"));
        if (Files.isRegularFile(preBoot)) {
            command.addAll(List.of("--prebootcommandfile", preBoot.toAbsolutePath().toString()));
        }
    }

    /** The server's operating-system process id, for reading {@code /proc/<pid>}. */
    public long pid() {
        return process.pid();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /**
     * Starts the server and returns when the application answers {@code GET /api/metrics} (with or
     * without a token); when it does not, stops it before failing, since the caller has no handle to close.
     * A server that has booted without deploying the application fails it at once, with Payara's reasons.
     */
    public ServerProcess start() throws Exception {
        launch();
        try {
            return awaitAnswer();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts the server process and returns at once; {@link #close} stops it. */
    public ServerProcess launch() throws IOException {
        Files.createDirectories(log.getParent());
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /**
     * Waits until the log (from byte {@code from}) holds a match of {@code pattern}, at most
     * {@code timeout}; the match, or empty when the server exited or the time ran out.
     */
    public Optional<MatchResult> awaitLog(long from, Pattern pattern,
                                                                    Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.exists(log) ? readFrom(from) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return Optional.of(m.toMatchResult());
            }
            if (System.nanoTime() >= deadline || !process.isAlive()) {
                return Optional.empty();
            }
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    /** The messages of the log's SEVERE lines, the first three, or nothing when there are none. */
    static String severe(String logText) {
        Matcher m = SEVERE.matcher(logText.replaceAll("\u001B\\[[0-9;]*m", ""));
        List<String> messages = new ArrayList<>();
        while (m.find() && messages.size() < 3) {
            String message = m.group(1).strip();
            messages.add(message.length() > 300 ? message.substring(0, 300) + "…" : message);
        }
        return messages.isEmpty() ? "" : ": " + String.join(" | ", messages);
    }

    private String readFrom(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }

    private ServerProcess awaitAnswer() throws Exception {
        // HTTP/1.1: the default h2c upgrade can leave one stuck HTTP/2 connection that every later poll waits on
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        long readyAt = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Livehub exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base().resolve("api/metrics"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 404 && r.statusCode() < 500) { // 401 is an answer too: the app is deployed
                    return this;
                }
                if (readyAt == 0 && READY.matcher(readFrom(logStart)).find()) {
                    readyAt = System.nanoTime();
                } else if (readyAt != 0 && System.nanoTime() - readyAt > DEPLOY_GRACE.toNanos()) {
                    throw new IllegalStateException("Payara Micro started but did not deploy " + war
                            + severe(readFrom(logStart)) + "; see " + log);
                }
            } catch (IOException notYet) {
                // the port is not open yet
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("Livehub did not answer within " + STARTUP + "; see " + log);
    }

    /** Stops it the hard way: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops it as an operator's SIGTERM does. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

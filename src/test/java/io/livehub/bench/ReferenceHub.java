package io.livehub.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub other than Livehub, measured by the same generator on the same machine, in its own process
 * on a free port of 127.0.0.1: the point of comparison issue 6 names, an in-memory Node.js hub on
 * the {@code ws} library ({@code bench/reference/hub.mjs}: one process, no persistence; its one npm
 * package is installed, {@code npm ci}, pinned by its lock file, the first time), or the
 * {@link FloorHub}, the least a hub can do per delivery in a JVM.
 */
final class ReferenceHub implements AutoCloseable {

    static final String NAME = "node-ws";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    /** Whether it runs in a JVM (the floor hub), whose heap is read as Livehub's is. */
    private final boolean jvm;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ReferenceHub(Process process, int port, boolean jvm) {
        this.process = process;
        this.port = port;
        this.jvm = jvm;
    }

    /** Starts {@code hub.mjs} from {@code dir}, logging to {@code log}; returns once it answers. */
    static ReferenceHub start(Path dir, Path log, PrintStream out) throws Exception {
        install(dir, log, out);
        int port = freePort();
        List<String> command = List.of("node", "--expose-gc", dir.resolve("hub.mjs").toString(), Integer.toString(port));
        return started(command, port, false, log);
    }

    /**
     * Starts the {@link FloorHub} in a JVM of its own with {@code jvmFlags} (the server's), from this
     * JVM's class path, logging to {@code log}; returns once it answers.
     */
    static ReferenceHub floor(List<String> jvmFlags, Path log) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorHub.class.getName(), Integer.toString(port)));
        return started(command, port, true, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static ReferenceHub started(List<String> command, int port, boolean jvm, Path log) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ReferenceHub hub = new ReferenceHub(process, port, jvm);
        try {
            hub.awaitAnswer(log);
            return hub;
        } catch (Exception | Error e) {
            hub.close();
            throw e;
        }
    }

    private static void install(Path dir, Path log, PrintStream out) throws IOException, InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules").resolve("ws"))) {
            return;
        }
        out.println("installing the reference hub's npm package (npm ci in " + dir + ")");
        Process npm;
        try {
            npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund")).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("the reference hub needs Node.js and npm on the PATH: " + e.getMessage(), e);
        }
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + dir + " failed (the npm registry unreachable?); see " + log);
        }
    }

    private void awaitAnswer(Path log) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get("/api/metrics").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the port is not open yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the hub did not answer within " + STARTUP + "; see " + log);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Node.js version that runs it, as {@code node --version} prints it. */
    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? version : "unknown (" + version + ")";
        } catch (IOException | InterruptedException e) {
            return "not found (" + e.getMessage() + ")";
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean jvm() {
        return jvm;
    }

    /** V8's heap in use after a full collection, in bytes, as the hub reads it from {@code process.memoryUsage()}. */
    long heapAfterGc() {
        try {
            HttpResponse<String> r = get("/bench/heap");
            Matcher m = Pattern.compile("\"heap_used\":(\\d+)").matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("the reference hub answered " + r.statusCode() + " " + r.body());
            }
            return Long.parseLong(m.group(1));
        } catch (IOException e) {
            throw new IllegalStateException("the reference hub did not tell its heap", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package io.livehub.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What {@code /proc/<pid>} tells of a process: CPU seconds and resident memory; and heap via jcmd. */
final class Proc {

    /** USER_HZ: the unit of utime and stime in /proc/pid/stat; 100 on Linux (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;

    Proc(long pid) {
        this.pid = pid;
    }

    static Proc self() {
        return new Proc(ProcessHandle.current().pid());
    }

    /** User plus system CPU seconds used so far. */
    double cpuSeconds() {
        return cpuSeconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** CPU seconds used so far by the JVM's C2 (optimizing) JIT compiler threads. */
    double jitSeconds() {
        double seconds = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("C2 CompilerThre")) {
                        seconds += cpuSeconds(task.resolve("stat"));
                    }
                } catch (IOException | IllegalStateException gone) {
                    // the thread ended (compiler threads come and go)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/" + pid + "/task", e);
        }
        return seconds;
    }

    private static double cpuSeconds(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // the command name in parentheses may hold spaces: count fields after its closing one
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + statFile, e);
        }
    }

    /** Resident set size in bytes (VmRSS). */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** Used heap in bytes after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    long heapAfterGc() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info said: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    String jcmd(String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("jcmd " + command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.livehub.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What {@code /proc/<pid>} tells of a process: CPU seconds and resident memory; and heap via jcmd. */
public final class Proc {

    /** USER_HZ: the unit of utime and stime in /proc/pid/stat; 100 on Linux (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long pid;

    public Proc(long pid) {
        this.pid = pid;
    }

    /**
     * The machine's processor, from {@code /proc/cpuinfo}: its model, whether it runs under a
     * hypervisor and whether it has AVX-512 (two hosts with the same model name differed by both,
     * and by twice the throughput); "unknown" where there is no such file.
     */
    static String cpu() {
        try {
            return cpu(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String cpu(String cpuinfo) {
        String model = "unknown";
        String flags = "";
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("model name") && model.equals("unknown")) {
                model = line.substring(colon + 1).trim();
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = " " + line.substring(colon + 1).trim() + " ";
            }
        }
        return model + (flags.contains(" hypervisor ") ? ", virtual machine" : "")
                + (flags.isEmpty() ? "" : flags.contains(" avx512f ") ? ", AVX-512" : ", no AVX-512");
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

    /** Stop-the-world GC pauses so far: how many, and their seconds. */
    record GcPauses(long count, double seconds) {
        GcPauses minus(GcPauses before) {
            return new GcPauses(count - before.count, seconds - before.seconds);
        }
    }

    /**
     * The JVM's GC pauses so far (every collector: young, full, concurrent cycles' remark and
     * cleanup), read from its performance-counter file {@code /tmp/hsperfdata_<user>/<pid>} as
     * {@code jstat} reads it, without starting a process; null when the file is not there
     * ({@code -XX:-UsePerfData}, another user) or not understood.
     */
    GcPauses gcPauses() {
        Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
        try {
            Map<String, Long> counters = PerfData.longs(Files.readAllBytes(file));
            Long frequency = counters.get("sun.os.hrt.frequency");
            if (frequency == null || frequency <= 0) {
                return null;
            }
            long count = 0;
            long ticks = 0;
            for (int i = 0; counters.containsKey("sun.gc.collector." + i + ".invocations"); i++) {
                count += counters.get("sun.gc.collector." + i + ".invocations");
                ticks += counters.getOrDefault("sun.gc.collector." + i + ".time", 0L);
            }
            return new GcPauses(count, ticks / (double) frequency);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The long counters of a HotSpot performance-data file (the format of {@code sun.jvmstat}'s {@code PerfDataBuffer}, version 2). */
    static final class PerfData {
        private static final int MAGIC = 0xcafec0c0;

        static Map<String, Long> longs(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.getInt(0) != MAGIC) {
                throw new IllegalStateException("not a performance-data file");
            }
            b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int entry = b.getInt(24);
            int entries = b.getInt(28);
            Map<String, Long> counters = new HashMap<>();
            for (int n = 0; n < entries; n++) {
                int length = b.getInt(entry);
                int nameOffset = b.getInt(entry + 4);
                int vectorLength = b.getInt(entry + 8);
                byte type = b.get(entry + 12);
                int dataOffset = b.getInt(entry + 16);
                if (type == 'J' && vectorLength == 0) {
                    int end = entry + nameOffset;
                    while (bytes[end] != 0) {
                        end++;
                    }
                    counters.put(new String(bytes, entry + nameOffset, end - entry - nameOffset, StandardCharsets.US_ASCII),
                            b.getLong(entry + dataOffset));
                }
                entry += length;
            }
            return counters;
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

    /** What {@code jcmd <pid> command} printed. */
    public String jcmd(String command) {
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

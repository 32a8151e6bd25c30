package io.livehub.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The top of a flight recording's CPU profile (JDK 17 has no {@code jfr view}): the methods the
 * samples were in (self) and the methods on the stack (total), for the threads whose name
 * contains an optional filter. {@code java -cp target/test-classes io.livehub.bench.JfrTop rec.jfr [thread] [n]}
 */
public final class JfrTop {

    public static void main(String[] args) throws Exception {
        String thread = args.length > 1 ? args[1] : "";
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            String name = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            if (name == null || !name.contains(thread)) {
                continue;
            }
            samples++;
            threads.merge(name.replaceAll("\\d+", "#"), 1, Integer::sum);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(method(frames.get(0)), 1, Integer::sum);
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String m = method(f);
                if (seen.add(m)) {
                    total.merge(m, 1, Integer::sum);
                }
            }
        }
        System.out.println(samples + " samples");
        print("threads", threads, samples, n);
        print("self", self, samples, n);
        print("total (on the stack)", total, samples, 2 * n);
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int n) {
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(en -> System.out.printf("%5.1f%%  %s%n", 100.0 * en.getValue() / samples, en.getKey()));
    }
}

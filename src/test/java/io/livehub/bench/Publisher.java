package io.livehub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * POSTs events to one channel from a few threads, each with its own kept-alive connection: at a
 * fixed rate, or as fast as the server accepts with a fixed number of requests in flight. Every
 * event carries {@code sent_at_ns}, taken just before its request is written.
 */
final class Publisher {

    private final int port;
    private final String token;
    private final String channel;

    /** What was published: accepted events, refused or failed requests, and the seqs answered. */
    static final class Published {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final BitSet seqs = new BitSet();
        /** Each accepted request's round trip, POST sent to 201 read, in microseconds. */
        final IntList roundTrips = new IntList();
        long duplicateSeqs;
        volatile String lastError;
        long startedAt;
        long endedAt;

        synchronized void seq(long seq) {
            if (seq <= 0 || seq > Integer.MAX_VALUE || seqs.get((int) seq)) {
                duplicateSeqs++;
            } else {
                seqs.set((int) seq);
            }
        }

        /** The answered seqs are exactly 1..accepted: no gap, no repeat. */
        synchronized boolean gapFree() {
            return duplicateSeqs == 0 && seqs.cardinality() == accepted.get() && seqs.nextClearBit(1) == accepted.get() + 1;
        }

        double seconds() {
            return (endedAt - startedAt) / 1e9;
        }
    }

    /** POSTs to {@code channel}, with {@code token} (may be null) as {@code Authorization: Bearer}. */
    Publisher(int port, String token, String channel) {
        this.port = port;
        this.token = token;
        this.channel = channel;
    }

    /** {@code count} single events at {@code rate} a second, on schedule, from {@code threads} connections. */
    Published atRate(int rate, int count, int threads) throws InterruptedException {
        Published p = new Published();
        AtomicInteger next = new AtomicInteger();
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        p.startedAt = System.nanoTime();
        run(threads, http -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                long due = p.startedAt + i * period;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                post(http, p, 1, i);
            }
        });
        p.endedAt = System.nanoTime();
        return p;
    }

    /** As fast as accepted for {@code seconds}, {@code inFlight} requests at a time, {@code batch} events each. */
    Published flat(int inFlight, int batch, double seconds) throws InterruptedException {
        Published p = new Published();
        AtomicInteger n = new AtomicInteger();
        p.startedAt = System.nanoTime();
        long end = p.startedAt + (long) (seconds * 1e9);
        run(inFlight, http -> {
            while (System.nanoTime() < end) {
                post(http, p, batch, n.getAndIncrement());
            }
        });
        p.endedAt = System.nanoTime();
        return p;
    }

    private void post(Http http, Published p, int batch, int n) {
        long sentAt = System.nanoTime();
        String event = "{\"channel\":\"" + channel + "\",\"type\":\"bench\",\"payload\":{\"sent_at_ns\":" + sentAt
                + ",\"n\":" + n + "}}";
        String body;
        if (batch == 1) {
            body = event;
        } else {
            StringBuilder b = new StringBuilder(batch * (event.length() + 1) + 2).append('[');
            for (int i = 0; i < batch; i++) {
                b.append(i == 0 ? "" : ",").append(event);
            }
            body = b.append(']').toString();
        }
        try {
            http.post(batch == 1 ? "/api/events" : "/api/events/batch", body.getBytes(StandardCharsets.UTF_8));
            p.requests.incrementAndGet();
            if (http.status != 201) {
                p.errors.incrementAndGet();
                p.lastError = "HTTP " + http.status + ": " + http.text();
                return;
            }
            int roundTrip = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - sentAt) / 1000);
            List<Long> seqs = new ArrayList<>(batch);
            Scan.seqs(http.body(), 0, http.length, seqs::add);
            synchronized (p) {
                p.roundTrips.add(roundTrip);
            }
            seqs.forEach(p::seq);
            p.accepted.addAndGet(seqs.size());
        } catch (IOException | RuntimeException e) {
            p.errors.incrementAndGet();
            p.lastError = e.toString();
        }
    }

    private interface Work {
        void run(Http http) throws Exception;
    }

    private void run(int threads, Work work) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try (Http http = new Http(port, token)) {
                    work.run(http);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-publisher-" + t);
            workers.add(thread);
            thread.start();
        }
        for (Thread thread : workers) {
            thread.join();
        }
    }
}

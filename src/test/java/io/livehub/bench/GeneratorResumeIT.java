package io.livehub.bench;

import io.livehub.support.ServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's clients behave as PROTOCOL.md asks of a client when the server closes them: a
 * subscriber that stops reading is closed as a slow consumer (4408), reconnects with backoff once
 * it reads again, subscribes with {@code since}, and ends with every event once and in order, as
 * do the subscribers that kept reading. On a server of its own (embedded store) whose queues are
 * small and whose pong time-out is short: a reader that hangs is kept back, not closed, until it
 * has not answered the ping that rides in what it did not read for 2 s.
 */
class GeneratorResumeIT {

    private static final int SUBSCRIBERS = 3;
    /**
     * Unread bytes a connection may have: 4 times the 64 KiB between the acknowledgement pings by which
     * the server learns how far a client has read (Connection), so that only a reader that hangs is kept
     * back (Hub.catchUp), after a few hundred of these events.
     */
    private static final int MAX_UNREAD = 256 * 1024;
    private static final int ROUND = 200;
    /** Rounds of {@value #ROUND} events published while the reader hangs, 0.2 s each: within the 10,000 kept per channel. */
    private static final int MAX_ROUNDS = 30;

    @Test
    void aSubscriberClosedAsSlowResumesAndMissesNothing() throws Exception {
        ServerProcess.Place place = ServerProcess.place("generator-resume");
        try (ServerProcess server = new ServerProcess(place.log(), "livehub.data.dir=" + place.dataDir(),
                "livehub.auth.mode=open", "livehub.ws.queue.max-messages=64", "livehub.ws.queue.max-bytes=" + MAX_UNREAD,
                "livehub.ws.pong-timeout=2000").start();
             Sockets sockets = new Sockets(server.base().getPort(), null, 1, 4096)) {
            int port = server.base().getPort();
            String channel = "resume-" + System.nanoTime();
            sockets.connect(SUBSCRIBERS, channel, 60_000);
            sockets.awaitSubscribed(SUBSCRIBERS, 60_000);
            sockets.stallReading(0, true);

            long published = 0;
            Pattern slow = Pattern.compile("(is a slow consumer|did not answer a ping within 2000 ms).*closing it with 4408");
            boolean closed = false;
            for (int round = 0; round < MAX_ROUNDS && !closed; round++) {
                published += publish(port, channel);
                closed = server.awaitLog(0, slow, Duration.ZERO).isPresent();
            }
            assertTrue(closed, "the hanging reader was closed as slow within " + published + " events");
            assertEquals(0, sockets.resumed(), "nothing resumed while it hangs");

            sockets.stallReading(0, false);
            published += publish(port, channel); // live events after the resume too
            long expected = published * SUBSCRIBERS;
            assertTrue(sockets.awaitDeliveries(() -> sockets.deliveries() >= expected && sockets.resumed() == 1, 30_000),
                    () -> sockets.deliveries() + " of " + expected + " delivered, resumed " + sockets.resumed()
                            + ", closed " + sockets.closeCodes() + ", last failure " + sockets.lastFailure());

            Sockets.Accounting a = sockets.account(published);
            assertEquals(0, a.missing, "missing");
            assertEquals(0, a.duplicated, "duplicated");
            assertEquals(0, a.reordered, "reordered");
            // the server's 4408 frame waits behind the unread data and is lost when the connection closes
            // before the client reads that far (1006 then): a client reconnects and resumes either way
            assertEquals(1, sockets.closedByServer(), () -> "one close: " + sockets.closeCodes());
            assertTrue(Map.of(4408, 1).equals(sockets.closeCodes()) || Map.of(1006, 1).equals(sockets.closeCodes()),
                    () -> "as a slow consumer: " + sockets.closeCodes());
            assertEquals(1, sockets.resumed(), "it resumed with recovered: true");
            assertEquals(0, sockets.unrecovered());
            assertEquals(expected, sockets.deliveries(), "nothing more than once");
        }
    }

    /** One round of single POSTs; how many were accepted, every one of them. */
    private static long publish(int port, String channel) throws InterruptedException {
        Publisher.Published p = new Publisher(port, null, channel).atRate(1000, ROUND, 4);
        assertEquals(0, p.errors.get(), () -> "publishing failed: " + p.lastError);
        return p.accepted.get();
    }
}

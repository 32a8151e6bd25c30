package io.livehub.live.control;

import io.livehub.events.control.History;
import io.livehub.events.entity.Change;
import io.livehub.events.entity.Changed;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that resumes while its channel is busy: more new changes arrive during its replay
 * than its queue holds. It catches up from the change log in a further round of replay, with no
 * gap and no duplicate; when the log no longer keeps what it lacks, it is closed as slow (4408)
 * and says why. A hub of its own, on a container without Tyrus's internals (the portable send
 * path), with a change log the test holds the replay on.
 */
class HubReplayTest {

    private static final String CHANNEL = "deploys";
    private static final int QUEUE = 4;
    private static final long WAIT_SECONDS = 10;

    private final Log log = new Log();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** The container's executor, as the hub sees it. */
    private volatile ExecutorService executor = pool;
    /** How many tasks the container's executor refuses next, as it does when all its threads are taken. */
    private final AtomicInteger refusals = new AtomicInteger();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    /** While set, the client reads nothing: what is sent waits here, its send not finished. */
    private volatile boolean stalled;
    private final List<Map.Entry<String, SendHandler>> unread = new CopyOnWriteArrayList<>();
    private Hub hub;
    /** The connection the test opened, whose pings the session answers. */
    private volatile Connection connection;

    @BeforeEach
    void startHub() {
        hub = new Hub();
        hub.history = log;
        hub.executor = proxy(ManagedExecutorService.class, (method, args) -> {
            if (method.equals("execute")) {
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new RejectedExecutionException("refused by the test");
                }
                executor.execute((Runnable) args[0]);
                return null;
            }
            throw new UnsupportedOperationException(method);
        });
        hub.threads = proxy(ManagedThreadFactory.class, (method, args) -> {
            if (method.equals("newThread")) {
                Thread t = new Thread((Runnable) args[0]);
                t.setDaemon(true);
                return t;
            }
            throw new UnsupportedOperationException(method);
        });
        hub.maxQueued = QUEUE;
        hub.maxQueuedBytes = 1_000_000;
        hub.maxConnections = 10;
        hub.maxConnectionsPerUser = 10;
        hub.writeThreads = 1;
        hub.pingInterval = TimeUnit.HOURS.toMillis(1);
        hub.pongTimeout = TimeUnit.HOURS.toMillis(1);
        hub.start();
    }

    @AfterEach
    void stopHub() {
        hub.stop();
        pool.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void aReplayOverrunByNewChangesCatchesUpFromTheLogInAnotherRound() throws Exception {
        publish(1, 3);
        Connection c = hub.open(session()).orElseThrow();
        hub.subscribe(c, "s1", CHANNEL, 0L, 3);
        assertTrue(log.replayStarted.await(WAIT_SECONDS, TimeUnit.SECONDS), "the replay reads the log");

        publish(4, 20); // 17 new changes while the replay waits: more than the queue's 4
        log.replayMayGoOn.countDown();

        JsonObject subscribed = next();
        assertEquals("subscribed", subscribed.getString("type"));
        assertTrue(subscribed.getBoolean("recovered"));
        for (int seq = 1; seq <= 20; seq++) {
            assertEquals(seq, next().getInt("seq"), "replayed, then caught up, in order");
        }
        publish(21, 21);
        assertEquals(21, next().getInt("seq"), "live once caught up");
        assertEquals(List.of("0..3", "3..20"), log.reads, "a second round read what overran the first");
        assertNull(received.poll(), "nothing twice");
        assertFalse(closed.isDone(), "not closed");
        assertNull(c.overflow());
    }

    @Test
    void aSubscriberThatCatchesUpTooSlowlyForTheLogIsClosedAsSlowAndToldWhy() throws Exception {
        publish(1, 3);
        Connection c = hub.open(session()).orElseThrow();
        hub.subscribe(c, "s1", CHANNEL, 0L, 3);
        assertTrue(log.replayStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));

        publish(4, 20);
        log.keptFrom = 10; // the log was cut back meanwhile: 4..9 are gone
        log.replayMayGoOn.countDown();

        CloseReason reason = closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(4408, reason.getCloseCode().getCode());
        assertEquals("subscribed", next().getString("type"));
        for (int seq = 1; seq <= 3; seq++) {
            assertEquals(seq, next().getInt("seq"));
        }
        assertNull(received.poll(), "no gap: nothing after 3 is sent");
        assertEquals("caught up too slowly: the store no longer keeps seq 4 of " + CHANNEL, c.overflow());
    }

    @Test
    void aLongReplayReadsTheLogAPageAtATimeWithNoGapOrDuplicateAtTheSeams() throws Exception {
        int last = 2 * Hub.REPLAY_PAGE + 200;
        publish(1, last);
        log.replayMayGoOn.countDown();
        Connection c = open();
        hub.subscribe(c, "s1", CHANNEL, 0L, last);

        assertTrue(next().getBoolean("recovered"));
        for (int seq = 1; seq <= last; seq++) {
            assertEquals(seq, next().getInt("seq"));
        }
        assertEquals(List.of("0.." + Hub.REPLAY_PAGE, Hub.REPLAY_PAGE + ".." + 2 * Hub.REPLAY_PAGE, 2 * Hub.REPLAY_PAGE + ".." + last),
                log.reads, "no read holds more than a page of the log");
        publish(last + 1, last + 1);
        assertEquals(last + 1, next().getInt("seq"), "live after the last page");
        assertNull(received.poll(), "nothing twice");
    }

    @Test
    void aLiveSubscriberThatLagsIsFedWhatWaitsForItAsItReadsInsteadOfOverflowingItsQueue() throws Exception {
        Connection c = liveSubscriber();
        stalled = true;
        publish(1, 6); // one in flight, two queued (three quarters of 4), three more
        awaitTrue(() -> c.catchingUp() == 1, "the lagging subscriber is taken off live delivery");
        assertTrue(c.queued() <= QUEUE - QUEUE / 4, "its queue stops at three quarters: " + c.queued());

        readAgain();
        for (int seq = 1; seq <= 6; seq++) {
            assertEquals(seq, next().getInt("seq"), "what was queued, then what waited, in order");
        }
        awaitTrue(() -> c.catchingUp() == 0, "live again once caught up");
        publish(7, 7);
        assertEquals(7, next().getInt("seq"), "live once caught up");
        assertEquals(List.of(), log.reads, "nothing read from the log");
        assertNull(received.poll(), "nothing twice");
        assertFalse(closed.isDone(), "not closed");
        assertNull(c.overflow());
    }

    @Test
    void aLiveSubscriberThatLagsMoreThanAQueueBehindIsFedFromTheLogAsItReads() throws Exception {
        Connection c = liveSubscriber();
        stalled = true;
        publish(1, 20); // five queues' worth
        awaitTrue(() -> log.reads.size() > 0, "the change log is read");
        assertEquals(1, c.catchingUp());
        assertTrue(c.queued() <= QUEUE - QUEUE / 4, "its queue stops at three quarters: " + c.queued());
        assertFalse(closed.isDone(), "not closed while it lags");

        readAgain();
        for (int seq = 1; seq <= 20; seq++) {
            assertEquals(seq, next().getInt("seq"), "what was queued, then the rest from the log, in order");
        }
        awaitTrue(() -> c.catchingUp() == 0, "live again once caught up");
        publish(21, 21);
        assertEquals(21, next().getInt("seq"), "live once caught up");
        assertTrue(log.reads.stream().anyMatch(r -> r.startsWith("3..") && !r.equals("3..3")),
                "read from the log after the last seq queued (3): " + log.reads);
        assertNull(received.poll(), "nothing twice");
        assertFalse(closed.isDone(), "not closed");
        assertNull(c.overflow());
    }

    @Test
    void whatWaitsForALaggingSubscriberIsBoundedInCharactersToo() throws Exception {
        hub.maxQueued = 100; // the bound in messages is far; the one in characters, 10 of these events, is near
        hub.maxQueuedBytes = 200_000;
        Connection c = liveSubscriber();
        stalled = true;
        publish(1, 25, "x".repeat(20_000));
        awaitTrue(() -> log.reads.size() > 0, "the change log is read once more characters wait than the bound");
        assertFalse(closed.isDone(), "not closed while it lags");

        readAgain();
        for (int seq = 1; seq <= 25; seq++) {
            assertEquals(seq, next().getInt("seq"), "what was queued, then the rest from the log, in order");
        }
        awaitTrue(() -> c.catchingUp() == 0, "live again once caught up");
        assertNull(received.poll(), "nothing twice");
        assertNull(c.overflow());
    }

    @Test
    void aReplayToAClientThatDoesNotReadHoldsNoThread() throws Exception {
        executor = Executors.newSingleThreadExecutor(); // one thread for every replay: one that waited on it would hold up the rest
        publish(1, 20);
        log.replayMayGoOn.countDown();
        Connection stalledOne = hub.open(session("stalled", true)).orElseThrow();
        stalledOne.channels().add(CHANNEL);
        hub.subscribe(stalledOne, "s1", CHANNEL, 0L, 20);
        awaitTrue(() -> stalledOne.waitingForRoom.get() == 1, "the replay to the client that does not read pauses");

        Connection reader = open();
        reader.channels().add(CHANNEL);
        hub.subscribe(reader, "s2", CHANNEL, 0L, 20);
        assertTrue(next().getBoolean("recovered"));
        for (int seq = 1; seq <= 20; seq++) {
            assertEquals(seq, next().getInt("seq"), "the other replay runs, on the one thread");
        }
        assertEquals(1, stalledOne.catchingUp(), "the paused replay is not over");
        assertTrue(stalledOne.queued() <= QUEUE / 2, "its queue stops at half: " + stalledOne.queued());
    }

    @Test
    void aReplayTheExecutorRefusesClosesItsConnectionSoThatTheClientComesBack() throws Exception {
        publish(1, 3);
        ExecutorService full = Executors.newSingleThreadExecutor();
        full.shutdown(); // refuses every task, as the container's does when all its threads are taken
        executor = full;
        Connection c = open();
        hub.subscribe(c, "s1", CHANNEL, 0L, 3);
        CloseReason reason = closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1011, reason.getCloseCode().getCode(), "reconnect with backoff and resume");
    }

    @Test
    void aLaggingConnectionSharesItsRoomBetweenItsChannels() throws Exception {
        Connection c = liveSubscriber();
        c.channels().add("alerts");
        hub.subscribe(c, "s2", "alerts", null, 0);
        assertEquals("subscribed", next().getString("type"));
        stalled = true;
        publish(1, 7); // three go out (one in flight, two queued), four wait
        publish("alerts", 1, 4); // four wait
        awaitTrue(() -> c.catchingUp() == 2, "both subscriptions are taken off live delivery");

        List<String> order = new ArrayList<>();
        while (order.size() < 11) {
            awaitTrue(() -> !unread.isEmpty(), "a send after " + order);
            Map.Entry<String, SendHandler> sent = unread.remove(0); // the client reads one message at a time
            JsonObject event = Json.createReader(new StringReader(sent.getKey())).readObject();
            order.add(event.getString("channel") + " " + event.getInt("seq"));
            sent.getValue().onResult(new SendResult());
        }
        assertEquals(List.of("deploys 1", "deploys 2", "deploys 3"), order.subList(0, 3), "what was queued before the lag");
        List<String> firstFed = order.subList(3, 7);
        assertTrue(firstFed.stream().anyMatch(m -> m.startsWith("deploys")) && firstFed.stream().anyMatch(m -> m.startsWith("alerts")),
                "neither channel waits until the other's wait is over: " + order);
        assertEquals(List.of("deploys 4", "deploys 5", "deploys 6", "deploys 7"),
                order.stream().filter(m -> m.startsWith("deploys")).skip(3).toList(), "each channel in order");
        assertEquals(List.of("alerts 1", "alerts 2", "alerts 3", "alerts 4"),
                order.stream().filter(m -> m.startsWith("alerts")).toList(), "each channel in order");
        awaitTrue(() -> c.catchingUp() == 0, "both live again once caught up");
        assertEquals(List.of(), log.reads, "nothing read from the log");
    }

    @Test
    void aGapWhoseReadTheExecutorRefusesIsReadOnTheNextRound() throws Exception {
        liveSubscriber();
        publish(1, 1);
        assertEquals(1, next().getInt("seq"));
        record(CHANNEL, 2); // committed, its after-commit notice lost: seq 3 arrives with a gap before it
        refusals.set(1);
        publish(3, 3);
        assertEquals(2, next().getInt("seq"), "the gap is read from the log once the executor takes the read");
        assertEquals(3, next().getInt("seq"));
        assertEquals(0, refusals.get(), "the first read of the gap was refused");
        assertEquals(List.of("1..2"), log.reads);
        assertNull(received.poll(), "nothing twice");
    }

    /** A connection subscribed live to the channel, its {@code subscribed} read. */
    private Connection liveSubscriber() throws InterruptedException {
        log.replayMayGoOn.countDown();
        Connection c = open();
        c.channels().add(CHANNEL); // as LiveSocket does before it subscribes
        hub.subscribe(c, "s1", CHANNEL, null, 0);
        assertEquals("subscribed", next().getString("type"));
        return c;
    }

    /** The stalled client reads again: what it was sent is received, its sends finish. */
    private void readAgain() {
        stalled = false;
        for (Map.Entry<String, SendHandler> sent : unread) {
            received.add(sent.getKey());
            sent.getValue().onResult(new SendResult());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + WAIT_SECONDS + " s");
            Thread.sleep(5); // polling interval, bounded by the deadline
        }
    }

    private Connection open() {
        connection = hub.open(session()).orElseThrow();
        return connection;
    }

    private void publish(int from, int to) {
        publish(from, to, "");
    }

    private void publish(int from, int to, String blob) {
        publish(CHANNEL, from, to, blob);
    }

    private void publish(String channel, int from, int to) {
        publish(channel, from, to, "");
    }

    private void publish(String channel, int from, int to, String blob) {
        for (int seq = from; seq <= to; seq++) {
            hub.changed(new Changed(channel, seq, Change.Kind.CREATED, record(channel, seq, blob)));
        }
    }

    /** A change written to the log only. */
    private void record(String channel, int seq) {
        record(channel, seq, "");
    }

    private JsonObject record(String channel, int seq, String blob) {
        JsonObject data = Json.createObjectBuilder().add("id", channel + seq).add("channel", channel).add("blob", blob).build();
        log.add(new Change(channel, seq, Change.Kind.CREATED, channel + seq, data.toString(), seq));
        return data;
    }

    private JsonObject next() throws InterruptedException {
        String text = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(text, "a message within " + WAIT_SECONDS + " s");
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The change log: what was written, from {@code keptFrom} on; its first read waits for the test. */
    private static final class Log extends History {
        final List<Change> changes = new CopyOnWriteArrayList<>();
        final List<String> reads = new CopyOnWriteArrayList<>();
        final CountDownLatch replayStarted = new CountDownLatch(1);
        final CountDownLatch replayMayGoOn = new CountDownLatch(1);
        volatile long keptFrom = 1;

        void add(Change change) {
            changes.add(change);
        }

        @Override
        public Optional<List<Change>> between(String channel, long since, long upTo) {
            List<Change> found = read(since, upTo);
            reads.add(since + ".." + upTo);
            if (replayStarted.getCount() > 0) {
                replayStarted.countDown();
                try {
                    if (!replayMayGoOn.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test did not let the replay go on");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return found == null ? Optional.empty() : Optional.of(found);
        }

        private List<Change> read(long since, long upTo) {
            if (since + 1 < keptFrom) {
                return null;
            }
            List<Change> found = new ArrayList<>();
            for (Change change : changes) {
                if (change.seq() > since && change.seq() <= upTo) {
                    found.add(change);
                }
            }
            return found;
        }
    }

    /** A session whose sends finish at once, in order, into {@link #received}; its pings are answered, its close is kept. */
    private Session session() {
        return session("replay-test", false);
    }

    /** {@code neverReads}: what is sent to it is never received, its sends never finish. */
    private Session session(String id, boolean neverReads) {
        Map<String, Object> properties = new HashMap<>();
        RemoteEndpoint.Async remote = proxy(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.equals("sendText") && args.length == 2) {
                if (neverReads) {
                    return null;
                }
                if (stalled) {
                    unread.add(Map.entry((String) args[0], (SendHandler) args[1]));
                    return null;
                }
                received.add((String) args[0]);
                ((SendHandler) args[1]).onResult(new SendResult());
                return null;
            }
            if (method.equals("sendPing")) {
                // the client answers every ping, as browsers and Tyrus do: its pong opens the send window
                ByteBuffer pong = ByteBuffer.allocate(Long.BYTES).putLong(0, ((ByteBuffer) args[0]).getLong(0));
                pool.execute(() -> connection.ponged(pong));
                return null;
            }
            throw new UnsupportedOperationException(method);
        });
        return proxy(Session.class, (method, args) -> switch (method) {
            case "getId" -> id;
            case "getAsyncRemote" -> remote;
            case "getUserProperties" -> properties;
            case "getNegotiatedExtensions" -> List.of();
            case "isOpen" -> !closed.isDone();
            case "close" -> {
                closed.complete((CloseReason) args[0]);
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private interface Call {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(Proxy.newProxyInstance(HubReplayTest.class.getClassLoader(), new Class<?>[]{type},
                (p, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> type.getSimpleName() + " of HubReplayTest";
                    default -> call.answer(method.getName(), args == null ? new Object[0] : args);
                }));
    }
}

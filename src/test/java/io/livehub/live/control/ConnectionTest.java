package io.livehub.live.control;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's queue limits, on the portable send path, against a container that takes sends
 * and finishes them only when the test says: what overflows, and the line that says why.
 */
class ConnectionTest {

    /** The sends the container has taken and not finished, oldest first. */
    private final List<SendHandler> unfinished = new ArrayList<>();
    /** The positions the pings sent carried. */
    private final List<Long> pings = new ArrayList<>();
    private final AtomicReference<Connection> failedAs = new AtomicReference<>();
    private final Traffic traffic = new Traffic();

    @Test
    void aQueueFullOfMessagesSaysSoWhenItOverflows() {
        Connection c = new Connection(session(), new Connection.Limits(4, 1_000_000, 0), traffic, (conn, cause) -> failedAs.set(conn), Connection::flush, conn -> { });
        for (int i = 0; i < 4; i++) {
            assertTrue(c.send("{\"n\":" + i + "}"), "message " + i + " fits");
        }
        assertNull(c.overflow());
        assertEquals(1, unfinished.size(), "one send in flight at a time");

        assertFalse(c.send("{\"n\":4}"), "the fifth message overflows a queue of 4");
        assertEquals(c, failedAs.get());
        assertTrue(c.overflow().startsWith("4 messages queued (limit 4), 28 characters unread (limit 1000000), no write finished yet, "
                + "no pong yet, a write of 1 messages in flight for "), c.overflow());
    }

    @Test
    void aQueueFullOfCharactersSaysSoAndWhenItsLastWriteFinished() {
        Connection c = new Connection(session(), new Connection.Limits(100, 20, 0), traffic, (conn, cause) -> failedAs.set(conn), Connection::flush, conn -> { });
        assertTrue(c.send("0123456789"));
        unfinished.remove(0).onResult(new SendResult());
        assertTrue(c.send("0123456789"), "10 characters sent and unacknowledged, 10 queued: at the limit");

        assertFalse(c.send("x"), "one more character is over 20");
        assertTrue(c.overflow().startsWith("1 messages queued (limit 100), 20 characters unread (limit 20), last write finished "),
                c.overflow());
        assertTrue(c.overflow().contains(" ms ago, no pong yet, a write of 1 messages in flight for "), c.overflow());
    }

    @Test
    void aSendFinishedOnTheContainersThreadHandsTheNextOneToTheCallersThread() {
        List<Connection> resumed = new ArrayList<>();
        Connection c = new Connection(session(), new Connection.Limits(100, 1_000_000, 0), traffic, (conn, cause) -> failedAs.set(conn), resumed::add, conn -> { });
        assertTrue(c.send("a"));
        assertTrue(c.send("b"));
        assertEquals(1, unfinished.size(), "\"b\" waits for \"a\"");

        unfinished.remove(0).onResult(new SendResult()); // the container's thread
        assertEquals(List.of(c), resumed, "the connection is handed on to go on sending");
        assertTrue(unfinished.isEmpty(), "not sent on the container's thread");

        c.flush(); // what the writer the connection was handed to does
        assertEquals(1, unfinished.size(), "\"b\" is sent");
        unfinished.remove(0).onResult(new SendResult());
        assertEquals(1, resumed.size(), "nothing queued: nothing to hand on");
        assertEquals(2, c.sent());
    }

    @Test
    void noMoreThanAWindowIsWrittenAheadOfWhatTheClientsPongsSayItHasRead() {
        List<Connection> resumed = new ArrayList<>();
        Connection c = new Connection(session(), new Connection.Limits(100, 10_000_000, 0), traffic,
                (conn, cause) -> failedAs.set(conn), resumed::add, conn -> { });
        String big = "x".repeat(70_000);
        long window = 2 * Connection.PING_EVERY_CHARS; // the least window there is: 131,072 characters

        assertTrue(c.send(big));
        unfinished.remove(0).onResult(new SendResult());
        assertEquals(List.of(70_000L), pings, "a ping asks the client to prove it read the first 70,000");
        assertTrue(c.send(big));
        assertEquals(1, unfinished.size(), "70,000 unacknowledged is within the window of " + window);
        unfinished.remove(0).onResult(new SendResult());
        assertEquals(List.of(70_000L, 140_000L), pings);

        resumed.clear();
        assertTrue(c.send(big));
        assertTrue(unfinished.isEmpty(), "140,000 unacknowledged fills the window: the third waits in the queue");
        assertEquals(1, c.queued());

        c.ponged(ByteBuffer.allocate(Long.BYTES).putLong(0, 70_000));
        assertEquals(List.of(c), resumed, "the pong opens the window: the connection is handed on to go on sending");
        c.flush();
        assertEquals(1, unfinished.size(), "the third is sent");
        assertNull(failedAs.get());
    }

    @Test
    void aQueueThatOverflowsAfterItsWindowWasFullSaysWhenTheWindowWasLastFull() {
        Connection c = new Connection(session(), new Connection.Limits(2, 10_000_000, 0), traffic,
                (conn, cause) -> failedAs.set(conn), conn -> { }, conn -> { });
        String big = "x".repeat(70_000);
        assertTrue(c.send(big));
        unfinished.remove(0).onResult(new SendResult());
        assertTrue(c.send(big));
        unfinished.remove(0).onResult(new SendResult());
        assertTrue(c.send(big), "queued behind a full window");
        assertTrue(unfinished.isEmpty());

        c.ponged(ByteBuffer.allocate(Long.BYTES).putLong(0, 70_000)); // the window opens; no writer gets to it
        assertTrue(c.offer(new Frame("{}")), "queued, not flushed: the writer has not got to the connection");
        assertFalse(c.offer(new Frame("{}")), "a third message overflows a queue of 2");
        assertTrue(c.overflow().startsWith("2 messages queued (limit 2), "), c.overflow());
        assertTrue(c.overflow().matches(".*, last pong \\d+ ms ago, its send window last full \\d+ ms ago"), c.overflow());
    }

    @Test
    void messagesStillQueuedWhenTheConnectionGoesStopCountingAsTheWritersBacklog() {
        Connection c = new Connection(session(), new Connection.Limits(100, 1_000_000, 0), traffic,
                (conn, cause) -> failedAs.set(conn), Connection::flush, conn -> { });
        for (int i = 0; i < 5; i++) {
            assertTrue(c.send("{\"n\":" + i + "}"));
        }
        assertEquals(4, traffic.backlog.sum(), "one in flight, four waiting behind it");

        c.discard(); // the client closed
        assertEquals(0, traffic.backlog.sum(), "nothing of a closed connection is waiting to be written");
        assertEquals(4, traffic.dropped());
        assertFalse(c.send("{\"n\":5}"), "nothing is queued after");
        assertEquals(0, traffic.backlog.sum());
        assertNull(failedAs.get(), "a close is not a failure to report");
    }

    /** A session of a container without Tyrus's internals, whose async sends wait for the test. */
    private Session session() {
        Map<String, Object> properties = new HashMap<>();
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2) {
                        unfinished.add((SendHandler) args[1]);
                        return null;
                    }
                    if (method.getName().equals("sendPing")) {
                        pings.add(((ByteBuffer) args[0]).getLong(0));
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> "test-connection";
                    case "getAsyncRemote" -> remote;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

package io.livehub.live.control;

import io.livehub.events.control.EventJson;
import io.livehub.events.control.History;
import io.livehub.events.entity.Change;
import io.livehub.events.entity.Changed;
import io.livehub.events.entity.Timestamps;
import io.livehub.live.entity.CloseCodes;
import io.livehub.live.entity.EventCreated;
import io.livehub.live.entity.EventDeleted;
import io.livehub.live.entity.EventUpdate;
import io.livehub.live.entity.Message;
import io.livehub.live.entity.Subscribed;
import io.livehub.live.entity.Unsubscribed;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The session registry and the fan-out. Connections are kept in a concurrent map; channel
 * state belongs to one dispatcher thread that runs every subscription change and delivery in
 * the order they were posted, so each subscriber gets a channel's changes once each, in seq
 * order, and a replay hands over to live delivery with no gap and no duplicate.
 */
@ApplicationScoped
public class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** How long a change may wait for an earlier one before the earlier one is read from the store. */
    static final long GAP_WAIT_MILLIS = 500;
    /** A replay reads the store this many changes at a time, so that many resuming at once hold little each. */
    static final int REPLAY_PAGE = 500;
    /** Tasks run before the queued frames are flushed, at most: bounds the delay a long burst adds. */
    static final int MAX_TASKS_PER_FLUSH = 256;
    /** Changes waiting for the dispatcher, and frames waiting for the writers, beyond which writers wait. */
    static final int MAX_INBOX_BACKLOG = 4096;
    static final long MAX_FRAME_BACKLOG = 262_144;
    static final long MAX_BACKPRESSURE_MILLIS = 5000;
    /** Session property: when the connection's token expires (ms since the epoch); it is closed then with 4401. */
    public static final String EXPIRES_AT = "livehub.expires-at";
    /** How long a client has to answer the server's close frame before the server closes the connection itself. */
    static final long CLOSE_ANSWER_MILLIS = 5000;

    @Inject
    History history;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "livehub.ws.queue.max-messages", defaultValue = "4096")
    int maxQueued;

    @Inject
    @ConfigProperty(name = "livehub.ws.queue.max-bytes", defaultValue = "16777216")
    long maxQueuedBytes;

    /** Characters a connection may have written ahead of what its client has proven read (see {@link Connection}). */
    @Inject
    @ConfigProperty(name = "livehub.ws.send-window", defaultValue = "262144")
    long sendWindow;

    @Inject
    @ConfigProperty(name = "livehub.ws.max-connections", defaultValue = "20000")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "livehub.ws.max-connections-per-user", defaultValue = "100")
    int maxConnectionsPerUser;

    /** Threads writing broadcasts to connections; 0: one per core. */
    @Inject
    @ConfigProperty(name = "livehub.ws.write-threads", defaultValue = "0")
    int writeThreads;

    @Inject
    @ConfigProperty(name = "livehub.ws.ping-interval", defaultValue = "25000")
    long pingInterval;

    @Inject
    @ConfigProperty(name = "livehub.ws.pong-timeout", defaultValue = "20000")
    long pongTimeout;

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private long keptAliveAt;
    /** Sessions sent a close frame, closed by {@link #keepAlive} if the client has not answered it by {@code closeAt}. */
    private final Map<Session, Closing> closing = new ConcurrentHashMap<>();

    private record Closing(int code, String reason, long closeAt) {
    }
    private final Traffic traffic = new Traffic();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    /** Dispatcher thread only. */
    private final Map<String, ChannelState> channels = new HashMap<>();
    private final Set<ChannelState> waiting = new HashSet<>();
    /** Writes what {@link #emit} queued, on every core. */
    private Writers writers;
    private volatile boolean running;
    private Thread dispatcher;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // observing start-up creates the hub before the first connection or write
    }

    @PostConstruct
    void start() {
        running = true;
        writers = new Writers(writeThreads, threads);
        dispatcher = threads.newThread(this::dispatch);
        dispatcher.setName("livehub-dispatcher");
        dispatcher.start();
    }

    @PreDestroy
    void stop() {
        for (Connection c : connections.values()) {
            closeQuietly(c.session(), CloseCodes.RESTARTING, "server restarting");
        }
        running = false;
        dispatcher.interrupt();
        writers.stop();
    }

    /**
     * Registers a connection; empty when the server ({@code livehub.ws.max-connections}) or its
     * user ({@code livehub.ws.max-connections-per-user}) already has as many as allowed.
     */
    public Optional<Connection> open(Session session) {
        Connection c = new Connection(session, new Connection.Limits(maxQueued, maxQueuedBytes, sendWindow), traffic, this::failed, writers::resume,
                lagging -> post(() -> feed(lagging)));
        if (c.user() != null && perUser.merge(c.user(), 1, Integer::sum) > maxConnectionsPerUser) {
            perUser.merge(c.user(), -1, Hub::decrementOrRemove);
            return Optional.empty();
        }
        if (connections.size() >= maxConnections) {
            if (c.user() != null) {
                perUser.merge(c.user(), -1, Hub::decrementOrRemove);
            }
            return Optional.empty();
        }
        connections.put(c.id(), c);
        return Optional.of(c);
    }

    private static Integer decrementOrRemove(Integer count, Integer minusOne) {
        int left = count + minusOne;
        return left <= 0 ? null : left;
    }

    public void closed(Connection c) {
        c.discard();
        if (connections.remove(c.id()) == null) {
            return;
        }
        if (c.user() != null) {
            perUser.merge(c.user(), -1, Hub::decrementOrRemove);
        }
        post(() -> {
            for (String channel : c.channels()) {
                ChannelState ch = channels.get(channel);
                Subscription sub = ch == null ? null : ch.subscribers.remove(c);
                if (sub != null) {
                    cancel(sub);
                    if (!sub.live) {
                        traffic.dropped.add(Math.max(0, ch.delivered - sub.sent)); // never sent from the change log
                    }
                }
            }
        });
    }

    /** {@code latest}: the channel's latest seq in the store, read before this call. */
    public void subscribe(Connection c, String id, String channel, Long since, long latest) {
        post(() -> {
            if (!c.isOpen() || !connections.containsKey(c.id())) {
                return;
            }
            ChannelState ch = channels.computeIfAbsent(channel, name -> new ChannelState(name, latest));
            Subscription sub = new Subscription(c, channel);
            ch.subscribers.put(c, sub);
            subscriptions.incrementAndGet();
            if (since == null || since >= ch.delivered) {
                Boolean recovered = since == null ? null : since == ch.delivered;
                c.send(text(new Subscribed(id, channel, ch.delivered, recovered, Timestamps.now())));
                sub.live = true;
            } else {
                long upTo = ch.delivered;
                sub.held = new ArrayDeque<>();
                sub.sent = since;
                c.catchingUp++;
                replay(sub, id, since, upTo, true);
            }
        });
    }

    public void unsubscribe(Connection c, String id, String channel) {
        post(() -> {
            ChannelState ch = channels.get(channel);
            Subscription sub = ch == null ? null : ch.subscribers.remove(c);
            if (sub != null) {
                cancel(sub);
            }
            c.send(text(new Unsubscribed(id, channel, Timestamps.now())));
        });
    }

    /** Sends one frame, serialized once, to every connection. */
    public void broadcast(String frame) {
        Frame shared = new Frame(frame);
        for (Connection c : connections.values()) {
            c.send(shared);
        }
    }

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) Changed changed) {
        // serialized by the dispatcher when a subscriber takes it, not by the thread that committed it
        Frame frame = Frame.lazy(() -> text(message(changed.channel(), changed.seq(), changed.kind(), changed.data())));
        post(() -> deliver(changed.channel(), changed.seq(), frame));
        awaitFanOut();
    }

    /**
     * Backpressure on writers: the thread that committed a change (the group commit's, or a
     * request's) waits here while the fan-out is far behind, so the store does not take changes
     * faster than they can be written to subscribers. Without it, a publisher faster than the
     * fan-out fills every subscriber's queue, and all of them are closed as slow consumers
     * although none of them is slow. Bounded: after {@link #MAX_BACKPRESSURE_MILLIS} it goes on.
     */
    private void awaitFanOut() {
        if (!behind() || Thread.currentThread() == dispatcher) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_BACKPRESSURE_MILLIS);
        while (behind() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Behind: the frames waiting would fill a quarter of every connection's queue, or the dispatcher lags. */
    private boolean behind() {
        long frames = Math.max(1024, Math.min(MAX_FRAME_BACKLOG, (long) connections.size() * maxQueued / 4));
        return inbox.size() > MAX_INBOX_BACKLOG || traffic.backlog.sum() > frames;
    }

    /**
     * Sends a subscriber the changes after {@code since} up to {@code upTo} from the store, read
     * {@link #REPLAY_PAGE} at a time, then what the dispatcher held for it meanwhile, and makes it
     * live. {@code first}: the answer to its {@code subscribe}, which says {@code subscribed} first;
     * else a catching-up round (below).
     * <p>
     * When more new changes came while a replay was sent than a quarter of a queue holds (so that,
     * sent after the replay, they fit in what it leaves), the dispatcher drops
     * them ({@link Subscription#behind}): they are in the store, and the subscriber catches up with
     * another round of replay from where this one ended, as long as it reads and the store still
     * keeps them. A client that resumes while its channel is busy is not closed for being behind.
     */
    private void replay(Subscription sub, String id, long since, long upTo, boolean first) {
        start(sub, new Replay(sub, id, since, upTo, first));
    }

    /** Runs a replay, or goes on with a paused one, on the executor; a connection it cannot run for is closed (1011). */
    private void start(Subscription sub, Runnable replay) {
        try {
            executor.execute(replay);
        } catch (RejectedExecutionException full) {
            Connection c = sub.connection;
            LOG.warning("Replay to connection " + c.id() + " could not start (" + full.getMessage() + "): closing it with "
                    + CloseCodes.INTERNAL);
            closeGracefully(c, CloseCodes.INTERNAL, "server busy");
        }
    }

    /**
     * One round of a subscriber's replay. It never waits: when the connection has no room (less
     * than half its bound free) it pauses ({@link Subscription#paused}) and returns its thread, and
     * the dispatcher {@linkplain #feed starts} it again when the connection says it has room. A
     * client that stops reading is closed by the pong time-out.
     */
    private final class Replay implements Runnable {
        private final Subscription sub;
        private final String id;
        private final long since;
        private final long upTo;
        private boolean answer;
        private long from;
        private List<Change> page = List.of();
        private int next;

        Replay(Subscription sub, String id, long since, long upTo, boolean first) {
            this.sub = sub;
            this.id = id;
            this.since = since;
            this.upTo = upTo;
            this.answer = first;
            this.from = since;
        }

        @Override
        public void run() {
            Connection c = sub.connection;
            try {
                while (!sub.cancelled) {
                    if (next < page.size()) {
                        if (!c.roomy()) {
                            sub.paused = this;
                            c.waitingForRoom.incrementAndGet();
                            c.signalRoom(); // lest the room came before it paused
                            return;
                        }
                        Change change = page.get(next++);
                        c.send(frame(change));
                        sub.sent = change.seq();
                    } else if (answer || from < upTo) {
                        if (!read(c)) {
                            return;
                        }
                    } else {
                        caughtUp(c);
                        return;
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Replay to connection " + c.id() + " failed", e);
                closeGracefully(c, CloseCodes.INTERNAL, "replay failed");
            }
        }

        /** The next page; false when the store no longer keeps it and the subscriber is closed as slow. */
        private boolean read(Connection c) {
            long to = Math.min(upTo, from + REPLAY_PAGE);
            Optional<List<Change>> read = history.between(sub.channel, from, to);
            if (answer) {
                answer = false;
                if (read.isEmpty()) {
                    LOG.info("Connection " + c.id() + " subscribed to " + sub.channel + " since seq " + since
                            + ", which is no longer kept: answered recovered false");
                }
                c.send(text(new Subscribed(id, sub.channel, upTo, read.isPresent(), Timestamps.now())));
            } else if (read.isEmpty()) {
                c.overflowed("caught up too slowly: the store no longer keeps seq " + (from + 1) + " of " + sub.channel);
                return false;
            }
            page = read.orElse(List.of());
            next = 0;
            from = read.isPresent() ? to : upTo; // not recovered: live from here on
            return true;
        }

        /** What the dispatcher held meanwhile, then live; or, if it dropped some, another round. */
        private void caughtUp(Connection c) {
            post(() -> {
                if (sub.cancelled) {
                    return;
                }
                if (sub.behind) {
                    ChannelState ch = channels.get(sub.channel);
                    long next = ch == null ? upTo : ch.delivered;
                    sub.behind = false;
                    replay(sub, id, upTo, next, false);
                    return;
                }
                sub.held.forEach(c::send);
                sub.held = null;
                sub.live = true;
                c.catchingUp--;
            });
        }
    }

    /** Dispatcher thread: a subscription ends (unsubscribed, or its connection gone). */
    private void cancel(Subscription sub) {
        sub.cancelled = true;
        subscriptions.decrementAndGet();
        if (!sub.live) {
            sub.connection.catchingUp--;
        }
        if (sub.paused != null) {
            sub.paused = null;
            sub.connection.waitingForRoom.decrementAndGet();
        }
        if (sub.fed) {
            sub.fed = false;
            sub.connection.waitingForRoom.decrementAndGet();
            traffic.backlog.add(-sub.held.size());
        }
    }

    /**
     * Dispatcher thread: a live subscriber whose connection is {@linkplain Connection#lagging lagging}
     * stops taking the channel's new frames into the connection's queue. They wait here, shared as
     * they are, up to a queue's worth, and are {@linkplain #feed fed} to the connection as its queue
     * empties; once none wait, it is live again. Should more wait (in messages or characters), they are dropped and the
     * subscriber is sent them from the change log as it reads, by the rounds of replay a resume
     * uses, from the change after the last one queued. A subscriber that reads, however slowly for
     * a while, is not closed and has nothing to resume; one that stops reading is closed by the
     * pong time-out, one that falls further behind than the
     * store keeps is closed as slow (4408) and told why.
     */
    private void catchUp(ChannelState ch, Subscription sub, Frame frame) {
        Connection c = sub.connection;
        sub.live = false;
        sub.fed = true;
        sub.sent = ch.delivered;
        sub.held = new ArrayDeque<>();
        sub.held.add(frame);
        sub.heldChars = frame.length();
        traffic.backlog.increment();
        c.catchingUp++;
        c.waitingForRoom.incrementAndGet();
        c.signalRoom();
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("Connection " + c.id() + " lags (" + c.unread() + "): channel " + ch.name + " waits after seq " + sub.sent);
        }
    }

    /**
     * Dispatcher thread: moves the frames waiting for a lagging connection's subscriptions into its
     * queue, while it is not lagging; a subscription none wait for is live again. The room is
     * shared: one frame of each subscription in turn, starting one further on each time, so that
     * no channel with much waiting holds back the others of the connection.
     */
    private void feed(Connection c) {
        c.roomSignalled.set(false);
        List<Subscription> fed = new ArrayList<>();
        for (String name : c.channels()) {
            ChannelState ch = channels.get(name);
            Subscription sub = ch == null ? null : ch.subscribers.get(c);
            Runnable paused = sub == null ? null : sub.paused;
            if (paused != null && c.roomy()) {
                sub.paused = null;
                c.waitingForRoom.decrementAndGet();
                start(sub, paused);
            }
            if (sub != null && sub.fed) {
                fed.add(sub);
            }
        }
        if (fed.isEmpty()) {
            return;
        }
        int first = Math.floorMod(c.feeds++, fed.size());
        boolean queued = false;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (int i = 0; i < fed.size(); i++) {
                Subscription sub = fed.get((first + i) % fed.size());
                Frame frame = sub.held.peek();
                if (frame == null || c.lagging(frame.length())) {
                    continue;
                }
                if (!c.offer(frame)) {
                    return; // failed: it is being closed
                }
                sub.held.poll();
                sub.heldChars -= frame.length();
                traffic.backlog.decrement();
                sub.sent++;
                moved = true;
                queued = true;
            }
        }
        for (Subscription sub : fed) {
            if (sub.held.isEmpty()) {
                sub.fed = false;
                sub.live = true;
                sub.held = null;
                c.waitingForRoom.decrementAndGet();
                c.catchingUp--;
            }
        }
        if (queued && !c.dirty) {
            c.dirty = true;
            writers.add(c);
        }
    }

    /**
     * Dispatcher thread: a lagging subscriber with a queue's worth waiting is sent the channel's
     * changes from the change log instead, from the one after the last queued for it.
     */
    private void fromStore(ChannelState ch, Subscription sub) {
        Connection c = sub.connection;
        long from = sub.sent;
        LOG.info("Connection " + c.id() + " lags (" + c.unread() + "), with " + sub.held.size() + " messages ("
                + sub.heldChars + " characters) more waiting: channel " + ch.name + " is sent from the change log after seq "
                + from + " until it has caught up");
        traffic.backlog.add(-sub.held.size());
        sub.held.clear();
        sub.heldChars = 0;
        sub.fed = false;
        sub.behind = true;
        c.waitingForRoom.decrementAndGet();
        replay(sub, null, from, from, false);
    }

    private void deliver(String channel, long seq, Frame frame) {
        ChannelState ch = channels.computeIfAbsent(channel, name -> new ChannelState(name, seq - 1));
        if (seq <= ch.delivered) {
            return;
        }
        if (seq > ch.delivered + 1) {
            if (ch.early.isEmpty()) {
                ch.earlySince = System.currentTimeMillis();
                waiting.add(ch);
            }
            ch.early.put(seq, frame);
            return;
        }
        emit(ch, frame);
        ch.delivered = seq;
        Frame next;
        while ((next = ch.early.remove(ch.delivered + 1)) != null) {
            emit(ch, next);
            ch.delivered++;
        }
        ch.early.headMap(ch.delivered, true).clear();
        if (ch.early.isEmpty()) {
            waiting.remove(ch);
        } else {
            ch.earlySince = System.currentTimeMillis();
        }
    }

    /** Queues the frame for every live subscriber; the dispatcher flushes them all once its inbox is empty. */
    private void emit(ChannelState ch, Frame frame) {
        for (Subscription sub : ch.subscribers.values()) {
            if (sub.live) {
                Connection c = sub.connection;
                if (c.lagging(frame.length())) {
                    catchUp(ch, sub, frame);
                } else if (c.offer(frame) && !c.dirty) {
                    c.dirty = true;
                    writers.add(c);
                }
            } else if (sub.behind) {
                continue; // read from the store by the next round of its replay
            } else if (sub.fed && sub.held.size() < maxQueued && sub.heldChars + frame.length() <= maxQueuedBytes) {
                sub.held.add(frame);
                sub.heldChars += frame.length();
                traffic.backlog.increment();
            } else if (sub.fed) {
                fromStore(ch, sub);
            } else if (sub.held.size() < Math.max(1, maxQueued / 4)) {
                sub.held.add(frame);
            } else {
                sub.held.clear();
                sub.behind = true;
            }
        }
    }

    /** A change that waits too long for an earlier one: the earlier ones are read from the store. */
    private void fillGaps() {
        long now = System.currentTimeMillis();
        for (ChannelState ch : waiting) {
            if (ch.filling || now - ch.earlySince < GAP_WAIT_MILLIS) {
                continue;
            }
            ch.filling = true;
            long from = ch.delivered;
            long to = ch.early.firstKey() - 1;
            try {
                executor.execute(() -> {
                    Optional<List<Change>> missing = Optional.empty();
                    try {
                        missing = history.between(ch.name, from, to);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "Reading changes " + (from + 1) + ".." + to + " of channel " + ch.name + " failed", e);
                    }
                    Optional<List<Change>> found = missing;
                    post(() -> {
                        ch.filling = false;
                        if (found.isPresent()) {
                            found.get().forEach(change -> deliver(ch.name, change.seq(), frame(change)));
                        } else if (ch.delivered < to) {
                            LOG.warning("Channel " + ch.name + ": changes " + (ch.delivered + 1) + ".." + to
                                    + " are no longer kept; subscribers skip them");
                            ch.delivered = to;
                            Frame first = ch.early.remove(to + 1);
                            if (first != null) {
                                deliver(ch.name, to + 1, first);
                            }
                        }
                    });
                });
            } catch (RejectedExecutionException full) {
                ch.filling = false; // tried again on the next round
                LOG.warning("Reading changes " + (from + 1) + ".." + to + " of channel " + ch.name + " could not start: " + full.getMessage());
            }
        }
    }

    private void dispatch() {
        while (running) {
            try {
                Runnable task = inbox.poll(GAP_WAIT_MILLIS / 5, TimeUnit.MILLISECONDS);
                // run what is waiting before writing: changes that came together leave in one write per connection
                for (int n = 0; task != null; task = ++n < MAX_TASKS_PER_FLUSH ? inbox.poll() : null) {
                    runSafely(task);
                }
                writers.flush();
                if (!waiting.isEmpty()) {
                    fillGaps();
                }
                keepAlive();
            } catch (InterruptedException stopping) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "A dispatcher task failed", e);
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "A dispatcher task failed", e);
        }
    }

    /** Pings idle connections; closes those whose pong is overdue (dead, or not reading). */
    private void keepAlive() {
        long now = System.currentTimeMillis();
        if (now - keptAliveAt < 1000) {
            return;
        }
        keptAliveAt = now;
        closing.entrySet().removeIf(r -> {
            Session session = r.getKey();
            if (!session.isOpen()) {
                return true;
            }
            boolean overdue = now >= r.getValue().closeAt;
            if (overdue || TyrusFrames.connectionEnded(session)) {
                LOG.info("WebSocket connection " + session.getId() + (overdue ? " did not answer the close frame within "
                        + CLOSE_ANSWER_MILLIS + " ms" : " ended without answering the close frame") + ": closing it");
                runSoon(() -> TyrusFrames.closeNow(session, r.getValue().code, r.getValue().reason));
                return true;
            }
            return false;
        });
        for (Connection c : connections.values()) {
            if (c.isClosing()) {
                continue; // its close frame is out; the client's answer, or the deadline above, ends it
            }
            if (c.session().getUserProperties().get(EXPIRES_AT) instanceof Long expiresAt && now >= expiresAt) {
                LOG.info("Connection " + c.id() + ": its token expired; closing it with " + CloseCodes.TOKEN_EXPIRED);
                closeGracefully(c, CloseCodes.TOKEN_EXPIRED, "token expired");
                continue;
            }
            if (!c.keepAlive(now, pingInterval, pongTimeout)) {
                LOG.warning("Connection " + c.id() + " did not answer a ping within " + pongTimeout + " ms: closing it with "
                        + CloseCodes.SLOW_CONSUMER);
                closeGracefully(c, CloseCodes.SLOW_CONSUMER, "no pong");
            }
        }
    }

    private void post(Runnable task) {
        inbox.add(task);
    }

    private void failed(Connection c, Throwable cause) {
        if (cause == null) {
            LOG.warning("Connection " + c.id() + " is a slow consumer (" + c.overflow() + "): closing it with "
                    + CloseCodes.SLOW_CONSUMER);
            closeGracefully(c, CloseCodes.SLOW_CONSUMER, "slow consumer");
        } else {
            LOG.fine(() -> "Connection " + c.id() + " failed to send: " + cause);
            executor.execute(() -> closeQuietly(c.session(), CloseCodes.INTERNAL, "send failed"));
        }
    }

    static void closeQuietly(Session session, int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException alreadyGone) {
            LOG.fine(() -> "Closing session " + session.getId() + ": " + alreadyGone);
        }
    }

    private static Frame frame(Change change) {
        return new Frame(text(message(change.channel(), change.seq(), change.kind(), EventJson.parse(change.data()))));
    }

    private static Message message(String channel, long seq, Change.Kind kind, JsonObject data) {
        String now = Timestamps.now();
        return switch (kind) {
            case CREATED -> new EventCreated(channel, seq, data, now);
            case UPDATED -> new EventUpdate(channel, seq, data, now);
            case DELETED -> new EventDeleted(channel, seq, data, now);
        };
    }

    static String text(Message message) {
        return MessageEncoder.toText(message);
    }

    /** A channel as an administrator sees it on this node. */
    public record ChannelInfo(String name, int subscribers, long latestSeq, double changesPerSecond) {
    }

    /** The channels this node knows, read on the dispatcher thread. */
    public List<ChannelInfo> channels() {
        java.util.concurrent.CompletableFuture<List<ChannelInfo>> answer = new java.util.concurrent.CompletableFuture<>();
        post(() -> {
            long now = System.currentTimeMillis();
            List<ChannelInfo> infos = new ArrayList<>();
            for (ChannelState ch : channels.values()) {
                if (ch.sampledSeq >= 0 && now - ch.sampledAt >= 1000) {
                    ch.rate = Math.round((ch.delivered - ch.sampledSeq) * 10_000.0 / (now - ch.sampledAt)) / 10.0;
                }
                if (ch.sampledSeq < 0 || now - ch.sampledAt >= 1000) {
                    ch.sampledSeq = ch.delivered;
                    ch.sampledAt = now;
                }
                infos.add(new ChannelInfo(ch.name, ch.subscribers.size(), ch.delivered, ch.rate));
            }
            infos.sort(java.util.Comparator.comparing(ChannelInfo::name));
            answer.complete(infos);
        });
        try {
            return answer.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the dispatcher did not answer", e);
        }
    }

    /**
     * Refuses a session in {@code @OnOpen} with a close code of the contract. It only sends the
     * close frame: the client's answer closes the connection, on the thread that reads it. Closing
     * it from the server (in {@code @OnOpen} or, tried too, a moment later from another thread)
     * races the client's answer on Payara: about one refusal in 250-1000 had Catalina recycle the
     * upgrade's request under a read callback still to run, and a later HTTP request on another
     * connection got an HTML 500 ("Response has not been set"; Payara issue 5432 is of this kind).
     * A client that does not answer within {@link #CLOSE_ANSWER_MILLIS} is closed by the server.
     */
    public void refuse(Session session, int code, String reason) {
        if (TyrusFrames.sendClose(session, code, reason)) {
            awaitAnswer(session, code, reason);
        } else {
            closeQuietly(session, code, reason);
        }
    }

    /**
     * Closes an open connection the way {@link #refuse} does: a close frame after what is queued
     * for it, then the client's answer, or the server after {@link #CLOSE_ANSWER_MILLIS}. (A
     * broken connection and the shutdown close at once: no answer is coming.)
     */
    private void closeGracefully(Connection c, int code, String reason) {
        runSoon(() -> {
            if (c.closeAfterQueued(code, reason)) {
                awaitAnswer(c.session(), code, reason);
            } else {
                closeQuietly(c.session(), code, reason);
            }
        });
    }

    /** A close on the container's executor, or on this thread when the executor is full: rather than not at all. */
    private void runSoon(Runnable close) {
        try {
            executor.execute(close);
        } catch (RejectedExecutionException full) {
            close.run();
        }
    }

    /** Its close frame is out: the client's answer ends it, or {@link #keepAlive} after {@link #CLOSE_ANSWER_MILLIS}. */
    private void awaitAnswer(Session session, int code, String reason) {
        closing.putIfAbsent(session, new Closing(code, reason, System.currentTimeMillis() + CLOSE_ANSWER_MILLIS));
    }

    /** Closes a connection with a code of the contract; false when there is no such connection. */
    public boolean close(String id, int code, String reason) {
        Connection c = connections.get(id);
        if (c == null) {
            return false;
        }
        closeGracefully(c, code, reason);
        return true;
    }

    public Collection<Connection> connections() {
        return connections.values();
    }

    public int subscriptions() {
        return subscriptions.get();
    }

    public Traffic traffic() {
        return traffic;
    }
}

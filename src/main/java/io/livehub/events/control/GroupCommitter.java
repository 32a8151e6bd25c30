package io.livehub.events.control;

import io.livehub.events.control.Idempotency.Answer;
import io.livehub.events.entity.Change;
import io.livehub.events.entity.Changed;
import io.livehub.events.entity.Event;
import io.livehub.events.entity.NewEvent;
import io.livehub.problems.Problem;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates events in group commits. Requests that arrive while a transaction is being written
 * wait, and the next transaction takes all of them: each channel's counter row is locked once,
 * each table gets one JDBC batch, and one commit (one flush to disk) makes all of them durable.
 * A request is answered only after that commit. Seqs stay gap-free in commit order on every
 * node sharing the database, because every writer takes them under the same row lock as
 * {@link Sequencer}.
 * <p>
 * One thread writes. When a group fails, each of its requests is tried again alone, so one bad
 * request (an {@code Idempotency-Key} another node committed first, say) fails alone.
 */
@ApplicationScoped
public class GroupCommitter {

    private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());
    /** A group stops taking requests at about this many events; the rest go in the next. */
    static final int MAX_GROUP_EVENTS = 2000;
    /** Requests waiting beyond this are refused with 503: the database is not keeping up. */
    static final int MAX_WAITING = 20_000;
    /** How long a request waits for its commit before it is answered 503. */
    static final long ANSWER_TIMEOUT_SECONDS = 30;

    @Resource(lookup = Schema.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    ChannelCounters counters;

    @Inject
    jakarta.enterprise.event.Event<Changed> changed;

    @Inject
    @ConfigProperty(name = "livehub.history.size", defaultValue = "10000")
    long historySize;

    private final BlockingQueue<Write> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private volatile boolean running;
    private Thread writer;

    /**
     * One request: its events (all or none), its {@code Idempotency-Key} (scoped, or null), and
     * how to answer once the events have their ids and seqs (run inside the transaction, so that
     * the answer stored for the key is the one given).
     */
    private record Write(List<NewEvent> inputs, String key, Function<List<Created>, Answer> answer,
                         CompletableFuture<Result> done) {
    }

    /** An event as committed, with its JSON text (the same in the answer, the change log and every message). */
    public record Created(Event event, String json) {
    }

    /** What the writer gives back: the events it created, or the answer when the request has a key. */
    private record Result(List<Created> created, Answer answer) {
    }

    /**
     * What one request became in a transaction: its answer, and the changes to announce after
     * the commit; {@code repeated} when the answer is the one given earlier to its key.
     */
    private record Written(Write write, List<Created> created, Answer answer, List<Changed> changes, boolean repeated) {
    }

    @PostConstruct
    void start() {
        running = true;
        writer = threads.newThread(this::run);
        writer.setName("livehub-group-commit");
        writer.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        writer.interrupt();
    }

    /**
     * Creates the events, all or none, and returns the answer {@code answer} makes of them once
     * they are committed; the calling thread waits, and makes the answer itself (not the one
     * writer). With a {@code key}, a repeat within {@link Idempotency#KEPT} gets the first answer
     * again and writes nothing. (Answering through a suspended JAX-RS {@code AsyncResponse}
     * instead sent 2 of 58,000 answers with status 200 instead of 201 on Payara 6.2025.10.)
     *
     * @throws Problem 503 when the store cannot write (down, or too far behind)
     * @throws RuntimeException the store's failure for this request alone
     */
    public Answer create(List<NewEvent> inputs, String key, Function<List<Created>, Answer> answer) {
        Write write = new Write(inputs, key, answer, new CompletableFuture<>());
        if (!running || !waiting.offer(write)) {
            throw unavailable("the event store is not keeping up; try again shortly");
        }
        try {
            Result result = write.done.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return result.answer != null ? result.answer : answer.apply(result.created);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException failure) {
                throw unavailable("the event store could not write: " + failure.getMessage());
            }
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("the event store did not answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the event store");
        }
    }

    private static Problem unavailable(String detail) {
        return new Problem(503, "Service unavailable", detail);
    }

    private void run() {
        List<Write> group = new ArrayList<>();
        List<Write> later = new ArrayList<>();
        while (running) {
            try {
                if (later.isEmpty()) {
                    group.add(waiting.take());
                } else {
                    group.addAll(later);
                    later.clear();
                }
                int events = group.stream().mapToInt(w -> w.inputs.size()).sum();
                Write next;
                while (events < MAX_GROUP_EVENTS && (next = waiting.peek()) != null
                        && events + next.inputs.size() <= MAX_GROUP_EVENTS) {
                    group.add(waiting.poll());
                    events += next.inputs.size();
                }
                // a key twice in one group: the repeat goes in the next, where it finds the first's answer
                Set<String> keys = new HashSet<>();
                for (Iterator<Write> i = group.iterator(); i.hasNext(); ) {
                    Write w = i.next();
                    if (w.key != null && !keys.add(w.key)) {
                        later.add(w);
                        i.remove();
                    }
                }
                commit(group);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Group commit failed unexpectedly", e);
                group.forEach(w -> w.done.completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        Write w;
        while ((w = waiting.poll()) != null) {
            w.done.completeExceptionally(unavailable("the server is stopping"));
        }
    }

    private void commit(List<Write> group) {
        List<Written> written;
        try {
            written = write(group);
        } catch (SQLException | RuntimeException e) {
            if (group.size() == 1) {
                failed(group.get(0), e);
            } else {
                LOG.log(Level.FINE, "A group of " + group.size() + " writes failed; trying each alone", e);
                for (Write w : group) {
                    commit(List.of(w));
                }
            }
            return;
        }
        for (Written w : written) {
            w.changes.forEach(changed::fire);
        }
        for (Written w : written) {
            w.write.done.complete(new Result(w.created, w.answer));
        }
    }

    /** A write that failed alone; when its key was committed meanwhile (by another node), that answer is given. */
    private void failed(Write w, Exception e) {
        if (w.key != null) {
            try (Connection c = dataSource.getConnection()) {
                Answer earlier = earlierAnswer(c, w.key, System.currentTimeMillis());
                if (earlier != null) {
                    w.done.complete(new Result(null, earlier));
                    return;
                }
            } catch (SQLException ignored) {
                // the store is failing: answered below with the first failure
            }
        }
        LOG.log(Level.FINE, "A write failed", e);
        w.done.completeExceptionally(e);
    }

    /** One transaction for the whole group. */
    private List<Written> write(List<Write> group) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Written> written = write(c, group);
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private List<Written> write(Connection c, List<Write> group) throws SQLException {
        long now = System.currentTimeMillis();
        List<Written> written = new ArrayList<>(group.size());
        List<Write> fresh = new ArrayList<>(group.size());
        for (Write w : group) {
            Answer earlier = w.key == null ? null : earlierAnswer(c, w.key, now);
            if (earlier != null) {
                written.add(new Written(w, null, earlier, List.of(), true));
            } else {
                fresh.add(w);
            }
        }
        if (fresh.isEmpty()) {
            return written;
        }
        // lock every channel in name order, so that two writers never wait for each other in a circle
        TreeMap<String, long[]> seqs = new TreeMap<>();
        fresh.forEach(w -> w.inputs.forEach(in -> seqs.put(in.channel(), null)));
        for (String channel : seqs.keySet()) {
            long seq = lock(c, channel);
            seqs.put(channel, new long[]{seq, seq});
        }
        try (PreparedStatement events = c.prepareStatement("INSERT INTO lh_event"
                + " (id, channel, type, status, payload, seq, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement log = c.prepareStatement("INSERT INTO lh_change"
                     + " (channel, seq, kind, event_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Write w : fresh) {
                List<Created> created = new ArrayList<>(w.inputs.size());
                List<Changed> changes = new ArrayList<>(w.inputs.size());
                for (NewEvent in : w.inputs) {
                    String payload = in.payload().toString();
                    Event e = new Event(in.channel(), in.type(), in.status(), payload, now);
                    e.sequence(++seqs.get(in.channel())[1]);
                    JsonObject json = EventJson.of(e, in.payload());
                    String text = json.toString();
                    events.setString(1, e.id());
                    events.setString(2, e.channel());
                    events.setString(3, e.type());
                    events.setString(4, e.status());
                    events.setString(5, payload);
                    events.setLong(6, e.seq());
                    events.setLong(7, now);
                    events.setLong(8, now);
                    events.addBatch();
                    log.setString(1, e.channel());
                    log.setLong(2, e.seq());
                    log.setString(3, Change.Kind.CREATED.name());
                    log.setString(4, e.id());
                    log.setString(5, text);
                    log.setLong(6, now);
                    log.addBatch();
                    created.add(new Created(e, text));
                    changes.add(new Changed(e.channel(), e.seq(), Change.Kind.CREATED, json));
                }
                // with a key, the answer is stored in this transaction, so it is made here
                written.add(new Written(w, created, w.key == null ? null : w.answer.apply(created), changes, false));
            }
            events.executeBatch();
            log.executeBatch();
        }
        advance(c, seqs);
        remember(c, written, now);
        // last, after the channels' locks: the store's counts, one update per counted name for the group
        Map<String, Long> moves = new HashMap<>();
        fresh.forEach(w -> w.inputs.forEach(in -> EventCounts.moved(moves, null, in.status())));
        EventCounts.move(c, moves);
        return written;
    }

    /** Locks a channel's counter row until the commit, creating it first if needed; its current seq. */
    private long lock(Connection c, String channel) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement select = c.prepareStatement("SELECT seq FROM lh_channel WHERE name = ? FOR UPDATE")) {
                select.setString(1, channel);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            counters.create(channel);
        }
        throw new SQLException("the counter of channel " + channel + " could not be created");
    }

    /** Stores each channel's new seq, and cuts its change log back to the history size now and then. */
    private void advance(Connection c, TreeMap<String, long[]> seqs) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE lh_channel SET seq = ? WHERE name = ?")) {
            for (Map.Entry<String, long[]> channel : seqs.entrySet()) {
                long before = channel.getValue()[0];
                long after = channel.getValue()[1];
                update.setLong(1, after);
                update.setString(2, channel.getKey());
                update.addBatch();
                if (after / Sequencer.TRIM_EVERY > before / Sequencer.TRIM_EVERY && after > historySize) {
                    try (PreparedStatement trim = c.prepareStatement(
                            "DELETE FROM lh_change WHERE channel = ? AND seq > ? AND seq <= ?")) {
                        trim.setString(1, channel.getKey());
                        trim.setLong(2, Sequencer.trimmedBefore(before, historySize));
                        trim.setLong(3, after - historySize);
                        trim.executeUpdate();
                    }
                }
            }
            update.executeBatch();
        }
    }

    /** The answer given earlier to this key, if it is still kept; an expired one is removed so the key can be used again. */
    private static Answer earlierAnswer(Connection c, String key, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT status, location, body, created_at FROM lh_idempotency WHERE idem_key = ?")) {
            select.setString(1, key);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (rs.getLong(4) >= now - Idempotency.KEPT.toMillis()) {
                    return new Answer(rs.getInt(1), rs.getString(2), rs.getString(3));
                }
            }
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM lh_idempotency WHERE idem_key = ?")) {
            delete.setString(1, key);
            delete.executeUpdate();
        }
        return null;
    }

    /** Stores the new answers under their keys, in the same transaction as the events they answer. */
    private static void remember(Connection c, List<Written> written, long now) throws SQLException {
        if (written.stream().noneMatch(w -> w.write.key != null && !w.repeated)) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO lh_idempotency (idem_key, status, location, body, created_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Written w : written) {
                if (w.write.key != null && !w.repeated) {
                    insert.setString(1, w.write.key);
                    insert.setInt(2, w.answer.status());
                    insert.setString(3, w.answer.location());
                    insert.setString(4, w.answer.body());
                    insert.setLong(5, now);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}

package io.livehub.events.control;

import io.livehub.events.entity.ChannelCounter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Numbers the changes of a channel inside the caller's transaction. {@link #lock} holds the
 * channel's counter row until that transaction ends, so seqs of a channel commit in order,
 * with no gap (a rollback gives its numbers back) and no repeat, whichever node writes.
 */
@ApplicationScoped
public class Sequencer {

    /** How often (in seqs) a channel's change log is cut back to the history size. */
    static final int TRIM_EVERY = 256;

    @PersistenceContext(unitName = "livehub")
    EntityManager em;

    @Inject
    ChannelCounters counters;

    @Inject
    @ConfigProperty(name = "livehub.history.size", defaultValue = "10000")
    long historySize;

    @Transactional(Transactional.TxType.MANDATORY)
    public ChannelCounter lock(String channel) {
        ChannelCounter counter = em.find(ChannelCounter.class, channel, LockModeType.PESSIMISTIC_WRITE);
        if (counter == null) {
            counters.create(channel);
            counter = em.find(ChannelCounter.class, channel, LockModeType.PESSIMISTIC_WRITE);
            if (counter == null) {
                throw new IllegalStateException("the counter of channel " + channel + " could not be created");
            }
        }
        return counter;
    }

    /**
     * Where the last trim of a channel whose seq was {@code before} stopped: every writer trims
     * when its seqs cross a multiple of {@link #TRIM_EVERY}, so the rows below are gone already.
     * Deleting from there, not from the start, matters: an open range walks every deleted row
     * the database has not vacuumed yet (80 ms a trim on PostgreSQL after 450,000 events).
     */
    static long trimmedBefore(long before, long historySize) {
        return before / TRIM_EVERY * TRIM_EVERY - historySize;
    }

    /** The next seq of a channel locked by {@link #lock} in this transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long next(ChannelCounter locked) {
        long seq = locked.next();
        if (seq % TRIM_EVERY == 0 && seq > historySize) {
            em.createQuery("DELETE FROM Change c WHERE c.channel = :channel AND c.seq > :from AND c.seq <= :oldest")
                    .setParameter("channel", locked.name())
                    .setParameter("from", trimmedBefore(seq - 1, historySize))
                    .setParameter("oldest", seq - historySize)
                    .executeUpdate();
        }
        return seq;
    }
}

package io.livehub.events.control;

import io.livehub.events.entity.Change;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.List;
import java.util.Optional;

/** Reads a channel's change log, which keeps at least {@code livehub.history.size} changes. */
@ApplicationScoped
public class History {

    @PersistenceContext(unitName = "livehub")
    EntityManager em;

    /**
     * The changes after {@code since} up to {@code upTo}, in order; empty when the log no longer
     * reaches back to {@code since + 1}, so the caller cannot resume without a gap.
     */
    public Optional<List<Change>> between(String channel, long since, long upTo) {
        if (since >= upTo) {
            return Optional.of(List.of());
        }
        List<Change> changes = em.createQuery(
                        "SELECT c FROM Change c WHERE c.channel = :channel AND c.seq > :since AND c.seq <= :upTo ORDER BY c.seq",
                        Change.class)
                .setParameter("channel", channel)
                .setParameter("since", since)
                .setParameter("upTo", upTo)
                .getResultList();
        boolean complete = changes.size() == upTo - since && changes.get(0).seq() == since + 1;
        return complete ? Optional.of(changes) : Optional.empty();
    }
}

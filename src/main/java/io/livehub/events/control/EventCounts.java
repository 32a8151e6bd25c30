package io.livehub.events.control;

import io.livehub.events.entity.Event;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts of the whole store, the same on every node. */
@ApplicationScoped
public class EventCounts {

    @PersistenceContext(unitName = "livehub")
    EntityManager em;

    public record Counts(long total, Map<String, Long> byStatus, long changes) {
        public long status(String status) {
            return byStatus.getOrDefault(status, 0L);
        }
    }

    public Counts count() {
        Map<String, Long> byStatus = new HashMap<>();
        long total = 0;
        List<Object[]> rows = em.createNamedQuery(Event.BY_STATUS, Object[].class).getResultList();
        for (Object[] row : rows) {
            long n = ((Number) row[1]).longValue();
            byStatus.put((String) row[0], n);
            total += n;
        }
        Number changes = em.createQuery("SELECT COALESCE(SUM(c.seq), 0) FROM ChannelCounter c", Number.class)
                .getSingleResult();
        return new Counts(total, byStatus, changes.longValue());
    }
}

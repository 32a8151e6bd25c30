package io.livehub.events.control;

import io.livehub.events.entity.ChannelCounter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Creates a channel's counter row in a transaction of its own, so a race to create it is harmless. */
@ApplicationScoped
public class ChannelCounters {

    @PersistenceContext(unitName = "livehub")
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String channel) {
        em.persist(new ChannelCounter(channel));
    }
}

package io.livehub.events.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Deletes the {@code Idempotency-Key} answers that {@link Idempotency} no longer gives (older than
 * {@link Idempotency#KEPT}) every {@code livehub.idempotency.purge-interval} ms, so the table does
 * not grow forever. Each chunk is one statement in its own transaction: a purge never holds many
 * row locks at once, and nodes sharing one database may purge at the same time (a row another
 * node deleted first is simply not counted).
 */
@Startup
@Singleton
@DependsOn("Schema")
public class IdempotencyPurge {

    private static final Logger LOG = Logger.getLogger(IdempotencyPurge.class.getName());

    static final int CHUNK = 1000;
    // LIMIT in a subquery: PostgreSQL has no DELETE ... LIMIT, and H2 and PostgreSQL both accept this.
    static final String DELETE_CHUNK = "DELETE FROM lh_idempotency WHERE idem_key IN"
            + " (SELECT idem_key FROM lh_idempotency WHERE created_at < ? LIMIT " + CHUNK + ")";

    @Resource
    TimerService timers;

    @Resource(lookup = Schema.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "livehub.idempotency.purge-interval", defaultValue = "600000")
    long interval;

    private long every;

    @PostConstruct
    void start() {
        every = Math.max(100, interval);
        timers.createIntervalTimer(every, every, new TimerConfig("livehub-idempotency-purge", false));
        LOG.info("Purging Idempotency-Key answers older than " + Idempotency.KEPT.toHours() + " h every " + every + " ms");
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void purge() {
        long before = System.currentTimeMillis() - Idempotency.KEPT.toMillis();
        long purged = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(DELETE_CHUNK)) {
            delete.setLong(1, before);
            int deleted;
            do {
                deleted = delete.executeUpdate();
                purged += deleted;
            } while (deleted == CHUNK);
        } catch (SQLException e) {
            LOG.warning("Purging expired Idempotency-Key answers failed after " + purged + " (tried again in "
                    + every + " ms): " + e.getMessage());
            return;
        }
        if (purged > 0) {
            LOG.info("Purged " + purged + " Idempotency-Key answers older than " + Idempotency.KEPT.toHours() + " h");
        }
    }
}

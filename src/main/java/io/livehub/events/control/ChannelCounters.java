package io.livehub.events.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Creates a channel's counter row outside the caller's transaction, in auto-commit. When two
 * writers race to create it, the loser's insert fails alone and no transaction is spoiled (a
 * failed REQUIRES_NEW commit leaves Payara's outer transaction unusable).
 */
@ApplicationScoped
public class ChannelCounters {

    private static final Logger LOG = Logger.getLogger(ChannelCounters.class.getName());

    @Resource(lookup = Schema.DATA_SOURCE)
    DataSource dataSource;

    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void create(String channel) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO lh_channel (name, seq) VALUES (?, 0)")) {
            insert.setString(1, channel);
            insert.executeUpdate();
        } catch (SQLException createdByAnotherWriter) {
            LOG.fine(() -> "Channel " + channel + " was created by another writer: " + createdByAnotherWriter.getMessage());
        }
    }
}

package io.livehub.events.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;

/**
 * Creates or migrates the event store's tables at start, before any request is served.
 * Each migration is a list of statements valid on PostgreSQL and H2; the table
 * {@code lh_schema} records how far a database has come, so a new version only adds.
 */
@DataSourceDefinition(
        name = Schema.DATA_SOURCE,
        className = "io.livehub.events.control.StoreDataSource",
        minPoolSize = 2,
        maxPoolSize = 40,
        transactional = true)
@Startup
@Singleton
public class Schema {

    public static final String DATA_SOURCE = "java:app/jdbc/livehub";

    private static final Logger LOG = Logger.getLogger(Schema.class.getName());

    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE IF NOT EXISTS lh_channel (name VARCHAR(128) PRIMARY KEY, seq BIGINT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS lh_event (id VARCHAR(36) PRIMARY KEY, channel VARCHAR(128) NOT NULL,"
                            + " type VARCHAR(128) NOT NULL, status VARCHAR(32) NOT NULL, payload VARCHAR NOT NULL,"
                            + " seq BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS lh_event_channel_seq ON lh_event (channel, seq)",
                    "CREATE INDEX IF NOT EXISTS lh_event_updated ON lh_event (updated_at)",
                    "CREATE TABLE IF NOT EXISTS lh_change (channel VARCHAR(128) NOT NULL, seq BIGINT NOT NULL,"
                            + " kind VARCHAR(16) NOT NULL, event_id VARCHAR(36) NOT NULL, data VARCHAR NOT NULL,"
                            + " created_at BIGINT NOT NULL, PRIMARY KEY (channel, seq))",
                    "CREATE TABLE IF NOT EXISTS lh_idempotency (idem_key VARCHAR(300) PRIMARY KEY, status INTEGER NOT NULL,"
                            + " location VARCHAR(300), body VARCHAR NOT NULL, created_at BIGINT NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS lh_idempotency_created ON lh_idempotency (created_at)"),
            // 2: the store's counts, kept by every write (EventCounts); started from the events there are
            List.of(
                    "CREATE TABLE IF NOT EXISTS lh_count (name VARCHAR(32) PRIMARY KEY, n BIGINT NOT NULL)",
                    countFrom("total", ""),
                    countFrom("pending", " WHERE status = 'pending'"),
                    countFrom("delivered", " WHERE status = 'delivered'"),
                    countFrom("failed", " WHERE status = 'failed'")));

    private static String countFrom(String name, String where) {
        return "INSERT INTO lh_count (name, n) SELECT '" + name + "', (SELECT COUNT(*) FROM lh_event" + where + ")"
                + " WHERE NOT EXISTS (SELECT 1 FROM lh_count WHERE name = '" + name + "')";
    }

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    @PostConstruct
    void migrateAtStart() { // its own name: Payara picks a lifecycle method by name and would take migrate(Connection)
        try (Connection c = dataSource.getConnection()) {
            migrate(c);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open or migrate the event store: " + e.getMessage(), e);
        }
    }

    /** Brings the store behind {@code c} to the latest version. */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lh_schema (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM lh_schema")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            for (int v = version; v < MIGRATIONS.size(); v++) {
                for (String statement : MIGRATIONS.get(v)) {
                    s.execute(statement);
                }
                s.execute("INSERT INTO lh_schema (version) VALUES (" + (v + 1) + ")");
                LOG.info("Event store schema migrated to version " + (v + 1));
            }
        }
    }
}

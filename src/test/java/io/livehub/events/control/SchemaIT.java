package io.livehub.events.control;

import io.livehub.support.StoreCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The migrations on the store of the run (PostgreSQL in a schema of its own, or H2), without a
 * server: a store of version 1 with events in it gets the counts of those events.
 */
@ExtendWith(StoreCheck.class)
class SchemaIT {

    @Test
    void aVersionOneStoreGetsTheCountsOfItsEvents() throws SQLException {
        boolean postgresql = "postgresql".equals(System.getProperty("livehub.test.store"));
        String schema = "lh_schema_it_" + UUID.randomUUID().toString().substring(0, 8);
        String url = postgresql ? System.getProperty("livehub.test.db.url") : "jdbc:h2:mem:" + schema;
        try (Connection c = DriverManager.getConnection(url, postgresql ? System.getProperty("livehub.test.db.user") : "",
                postgresql ? System.getProperty("livehub.test.db.password", "") : "");
             Statement s = c.createStatement()) {
            if (postgresql) {
                s.execute("CREATE SCHEMA " + schema);
                s.execute("SET search_path TO " + schema);
            }
            try {
                s.execute("CREATE TABLE lh_schema (version INTEGER NOT NULL)");
                for (String statement : Schema.MIGRATIONS.get(0)) {
                    s.execute(statement);
                }
                s.execute("INSERT INTO lh_schema (version) VALUES (1)");
                String[] statuses = {"pending", "pending", "pending", "delivered", "delivered", "failed", "archived"};
                for (int i = 0; i < statuses.length; i++) {
                    s.execute("INSERT INTO lh_event (id, channel, type, status, payload, seq, created_at, updated_at)"
                            + " VALUES ('e" + i + "', 'c', 't', '" + statuses[i] + "', '{}', " + (i + 1) + ", 0, 0)");
                }

                Schema.migrate(c);
                Map<String, Long> expected = Map.of("total", 7L, "pending", 3L, "delivered", 2L, "failed", 1L);
                assertEquals(new TreeMap<>(expected), counts(s));

                Schema.migrate(c);
                assertEquals(new TreeMap<>(expected), counts(s), "migrating again changes nothing");
                try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM lh_schema")) {
                    rs.next();
                    assertEquals(Schema.MIGRATIONS.size(), rs.getInt(1));
                }
            } finally {
                if (postgresql) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static Map<String, Long> counts(Statement s) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT name, n FROM lh_count")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }
}

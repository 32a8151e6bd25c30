package io.livehub.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Before the server is deployed against PostgreSQL, checks that the database is there, and
 * fails with a message that says what is missing instead of a deployment stack trace.
 */
public class StoreCheck implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!"postgresql".equals(System.getProperty("livehub.test.store"))) {
            return;
        }
        String url = System.getProperty("livehub.test.db.url");
        String user = System.getProperty("livehub.test.db.user");
        try (Connection c = DriverManager.getConnection(url, user, System.getProperty("livehub.test.db.password", ""))) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new IllegalStateException("The integration tests need PostgreSQL at " + url + " (user '" + user
                    + "'), and it cannot be reached: " + e.getMessage() + ". Start it (on these machines: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or point the tests "
                    + "at another one with -Dlivehub.test.db.url=... -Dlivehub.test.db.user=... -Dlivehub.test.db.password=...");
        }
    }
}

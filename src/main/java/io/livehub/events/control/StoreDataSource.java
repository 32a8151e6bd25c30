package io.livehub.events.control;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The event store's JDBC source, configured by MicroProfile Config when the container's pool
 * asks for its first connection: {@code livehub.db.url/user/password}, or with no URL an
 * embedded H2 file under {@code livehub.data.dir}. The container pools and enlists the
 * connections; this class only decides where they go, so the WAR needs no server set-up.
 */
public class StoreDataSource implements DataSource {

    private static final Logger LOG = Logger.getLogger(StoreDataSource.class.getName());

    private volatile Target target;
    private int loginTimeout;

    private record Target(Driver driver, String url, Properties credentials) {
    }

    @Override
    public Connection getConnection() throws SQLException {
        Target t = target();
        Connection connection = t.driver().connect(t.url(), t.credentials());
        if (connection == null) {
            throw new SQLException("no JDBC driver accepts the URL configured in livehub.db.url");
        }
        return connection;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    private Target target() throws SQLException {
        Target t = target;
        if (t == null) {
            synchronized (this) {
                if (target == null) {
                    target = configure(ConfigProvider.getConfig(StoreDataSource.class.getClassLoader()));
                }
                t = target;
            }
        }
        return t;
    }

    static String embeddedUrl(Path dataDir) {
        // WRITE_DELAY=0: a commit is on disk before the 201 goes out, not half a second later.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("livehub")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    }

    private static Target configure(Config config) throws SQLException {
        String url = config.getOptionalValue("livehub.db.url", String.class).orElse(null);
        Properties credentials = new Properties();
        config.getOptionalValue("livehub.db.user", String.class).ifPresent(u -> credentials.setProperty("user", u));
        config.getOptionalValue("livehub.db.password", String.class).ifPresent(p -> credentials.setProperty("password", p));
        if (url == null || url.isBlank()) {
            Path dataDir = Path.of(config.getOptionalValue("livehub.data.dir", String.class).orElse("livehub-data"));
            try {
                Files.createDirectories(dataDir);
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create the data directory " + dataDir.toAbsolutePath(), e);
            }
            url = embeddedUrl(dataDir);
            LOG.info("Event store: embedded H2 database in " + dataDir.toAbsolutePath());
        } else {
            LOG.info("Event store: " + withoutSecrets(url));
            if (url.startsWith("jdbc:postgresql:") && !url.contains("reWriteBatchedInserts")) {
                // a group commit's JDBC batch goes as multi-row INSERTs, not one statement per row
                credentials.setProperty("reWriteBatchedInserts", "true");
            }
        }
        return new Target(driverFor(url), url, credentials);
    }

    private static Driver driverFor(String url) throws SQLException {
        String driverClass;
        if (url.startsWith("jdbc:postgresql:")) {
            driverClass = "org.postgresql.Driver";
        } else if (url.startsWith("jdbc:h2:")) {
            driverClass = "org.h2.Driver";
        } else {
            return java.sql.DriverManager.getDriver(url);
        }
        try {
            return (Driver) Class.forName(driverClass, true, StoreDataSource.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new SQLException("JDBC driver " + driverClass + " is not in the WAR", e);
        }
    }

    /** JDBC URLs may carry a password as a parameter; never log one. */
    static String withoutSecrets(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}

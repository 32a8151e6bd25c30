package io.livehub.events.control;

import io.livehub.support.Api;
import io.livehub.support.ServerProcess;
import io.livehub.support.StoreCheck;
import io.livehub.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server deletes expired {@code Idempotency-Key} answers on its own, on the store under test
 * ({@code livehub.test.store}): the tests' PostgreSQL, or an embedded H2 file opened with
 * {@code AUTO_SERVER} so that this test can write old answers into it while the server runs.
 * On a server of its own, purging every 200 ms ({@code livehub.idempotency.purge-interval}).
 */
@ExtendWith(StoreCheck.class)
class IdempotencyPurgeIT {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Pattern PURGED = Pattern.compile("Purged \\d+ Idempotency-Key answers older than 24 h");

    @Test
    void deletesAnswersOlderThanTheirKeepingTimeAndKeepsTheOthers() throws Exception {
        ServerProcess.Place place = ServerProcess.place("idempotency-purge");
        Path dataDir = place.dataDir();
        Path log = place.log();
        boolean postgresql = "postgresql".equals(System.getProperty("livehub.test.store"));
        String url = postgresql ? System.getProperty("livehub.test.db.url")
                : "jdbc:h2:file:" + dataDir.resolve("livehub") + ";AUTO_SERVER=TRUE";
        String user = postgresql ? System.getProperty("livehub.test.db.user") : "";
        String password = postgresql ? System.getProperty("livehub.test.db.password", "") : "";
        List<String> config = new ArrayList<>(List.of("livehub.data.dir=" + dataDir, "livehub.db.url=" + url,
                "livehub.idempotency.purge-interval=200"));
        config.addAll(List.of(TestTokens.serverProperties()));
        if (postgresql) {
            config.addAll(List.of("livehub.db.user=" + user, "livehub.db.password=" + password));
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        long day = Idempotency.KEPT.toMillis();
        long hour = Duration.ofHours(1).toMillis();

        try (ServerProcess server = new ServerProcess(log, config.toArray(String[]::new)).start();
             Connection db = DriverManager.getConnection(url, user, password)) {
            Api api = new Api(server.base().toURL());
            String body = "{\"channel\":\"purge-" + run + "\",\"type\":\"kept\"}";
            HttpResponse<String> answered = api.post("api/events", body, "Idempotency-Key", "purge-it-" + run);
            assertEquals(201, answered.statusCode(), answered.body());

            long now = System.currentTimeMillis();
            int expired = 2 * IdempotencyPurge.CHUNK + 500; // more than one chunk
            insert(db, "purge-it-" + run + "-expired-", expired, now - day - hour);
            insert(db, "purge-it-" + run + "-young-", 3, now - day + hour);

            awaitPurged(db, "purge-it-" + run + "-expired-%", log);
            assertEquals(3, count(db, "purge-it-" + run + "-young-%"), "answers younger than 24 h are kept");
            HttpResponse<String> repeated = api.post("api/events", body, "Idempotency-Key", "purge-it-" + run);
            assertEquals(answered.statusCode(), repeated.statusCode());
            assertEquals(answered.body(), repeated.body(), "a fresh answer is still given again");
            forget(db, "purge-it-" + run + "-%"); // the tests' PostgreSQL is shared by later runs
        }
    }

    private static void insert(Connection db, String keyPrefix, int rows, long createdAt) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO lh_idempotency (idem_key, status, location, body, created_at) VALUES (?, 201, NULL, '{}', ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, keyPrefix + i);
                insert.setLong(2, createdAt);
                insert.addBatch();
            }
            insert.executeBatch();
            db.commit();
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Until the rows are gone and the log says so, within {@link #WAIT}. */
    private static void awaitPurged(Connection db, String keys, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int left;
        boolean logged;
        do {
            left = count(db, keys);
            logged = PURGED.matcher(Files.readString(log)).find();
            if (left == 0 && logged) {
                return;
            }
            Thread.sleep(100); // polling interval, bounded by the deadline
        } while (System.nanoTime() < deadline);
        throw new AssertionError(left + " expired answers left and purge " + (logged ? "" : "not ") + "logged after " + WAIT);
    }

    private static void forget(Connection db, String keys) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM lh_idempotency WHERE idem_key LIKE ?")) {
            delete.setString(1, keys);
            delete.executeUpdate();
        }
    }

    private static int count(Connection db, String keys) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT COUNT(*) FROM lh_idempotency WHERE idem_key LIKE ?")) {
            select.setString(1, keys);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

package io.livehub.live.boundary;

import io.livehub.support.Api;
import io.livehub.support.LiveClient;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import io.livehub.support.TestTokens;
import jakarta.websocket.CloseReason;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server-wide WebSocket limit ({@code livehub.ws.max-connections}, 3 here, on a server of its
 * own): beyond it, any user's connection is closed with 1013, and a place given back is taken again.
 * The server only sends the close frame, and closes the connection itself when the client does not
 * answer it (see {@code Hub.refuse}).
 * The per-user limit is tested in {@code SecurityIT}.
 */
class ConnectionLimitIT {

    static final int LIMIT = 3;

    @Test
    void refusesConnectionsBeyondTheServerLimitWith1013UntilOneCloses() throws Exception {
        ServerProcess.Place place = ServerProcess.place("connection-limit");
        Path dataDir = place.dataDir();
        Path log = place.log();
        String[] config = {"livehub.data.dir=" + dataDir, "livehub.ws.max-connections=" + LIMIT,
                TestTokens.serverProperties()[0], TestTokens.serverProperties()[1]};
        try (ServerProcess server = new ServerProcess(log, config).start()) {
            Api admin = new Api(server.base().toURL());
            List<LiveClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    clients.add(admitted(LiveClient.connect(server.base(), null, subscriber("user-" + i))));
                }
                try (LiveClient oneTooMany = LiveClient.connect(server.base(), null, subscriber("user-" + LIMIT))) {
                    CloseReason refused = assertDoesNotThrow(oneTooMany::awaitClose, "one connection too many is closed by the server");
                    assertEquals(1013, refused.getCloseCode().getCode(), "a user with no other connection is refused too");
                    assertEquals("too many connections", refused.getReasonPhrase());
                }
                assertEquals(LIMIT, connections(admin), "the refused connection is not kept");

                try (RawSocket silent = RawSocket.connect(server.base(), "token=" + subscriber("silent"), 65536)) {
                    assertEquals(1013, silent.awaitCloseCode());
                    Duration ended = silent.awaitEnd(); // the server closes a refused client that does not answer
                    assertTrue(ended.compareTo(Duration.ofSeconds(3)) >= 0, "after giving it time to answer (5 s), not at once: " + ended);
                }

                LiveClient leaving = clients.remove(0);
                leaving.close();
                awaitConnections(admin, LIMIT - 1);
                clients.add(admitted(LiveClient.connect(server.base(), null, subscriber("user-" + LIMIT))));
            } finally {
                for (LiveClient c : clients) {
                    c.close();
                }
            }
        }
    }

    private static String subscriber(String name) {
        return TestTokens.mint(name, List.of("subscriber"), null, 600);
    }

    /** Answers the client once the server has taken it in: it answers a ping. */
    private static LiveClient admitted(LiveClient client) throws Exception {
        client.send("{\"type\":\"ping\"}");
        assertEquals("pong", client.next().getString("type"));
        return client;
    }

    private static int connections(Api admin) {
        return Api.json(admin.get("api/admin/connections")).getJsonArray("connections").size();
    }

    /** Until the server counts {@code expected} connections, within {@link LiveClient#WAIT}. */
    private static void awaitConnections(Api admin, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + LiveClient.WAIT.toNanos();
        int seen;
        while ((seen = connections(admin)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling interval, bounded by the deadline
        }
        assertEquals(expected, seen, "connections the server counts");
    }
}

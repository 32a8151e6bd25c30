package io.livehub.live.boundary;

import io.livehub.support.Api;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the server finds out once about its container (how frames reach Tyrus and Grizzly) is one
 * line in its log, though the first sessions arrive together on many HTTP threads. (Before, each
 * thread that came while the first was still looking logged it again: 18 times in a benchmark run.)
 */
class ContainerFactsIT {

    static final int TOGETHER = 64;
    static final List<String> FACTS = List.of(
            "Tyrus: fan-out writes pre-built frames",
            "Grizzly: fan-out writes pre-built frames to the upgraded connection",
            "Grizzly: frames go straight to the connection's async write queue");

    @Test
    void sessionsThatOpenTogetherLogEachFactOfTheContainerOnce() throws Exception {
        ServerProcess.Place place = ServerProcess.place("container-facts");
        try (ServerProcess server = new ServerProcess(place.log(), "livehub.data.dir=" + place.dataDir(),
                "livehub.auth.mode=open", "livehub.ws.handshake-rate=10000").start()) {
            List<RawSocket> sockets = openTogether(server);
            try {
                // a line logged after every session had its first message: each fact was logged before it
                Api api = new Api(server.base().toURL());
                String id = Api.json(api.get("api/admin/connections")).getJsonArray("connections")
                        .getJsonObject(0).getString("id");
                HttpResponse<String> closed = api.delete("api/admin/connections/" + id);
                assertEquals(204, closed.statusCode(), closed.body());
                MatchResult marker = server.awaitLog(0, Pattern.compile("Connection " + Pattern.quote(id)
                        + " closed by an administrator"), Duration.ofSeconds(20)).orElseThrow(
                        () -> new AssertionError("the administrator's close was not logged; see " + place.log()));
                String log = Files.readString(place.log()).substring(0, marker.end());
                for (String fact : FACTS) {
                    assertEquals(1, count(log, fact), "lines '" + fact + "…' in " + place.log());
                }
            } finally {
                for (RawSocket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /** {@link #TOGETHER} connections started at one moment from as many threads, each subscribed. */
    private static List<RawSocket> openTogether(ServerProcess server) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(TOGETHER);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawSocket>> opening = new ArrayList<>();
            for (int i = 0; i < TOGETHER; i++) {
                opening.add(threads.submit(() -> {
                    assertTrue(go.await(30, TimeUnit.SECONDS));
                    RawSocket socket = RawSocket.connect(server.base(), "channels=facts", 65536);
                    String subscribed = socket.nextMessage();
                    assertTrue(subscribed.contains("\"subscribed\""), subscribed);
                    return socket;
                }));
            }
            go.countDown();
            List<RawSocket> sockets = new ArrayList<>();
            for (Future<RawSocket> socket : opening) {
                sockets.add(socket.get(60, TimeUnit.SECONDS));
            }
            return sockets;
        } finally {
            threads.shutdownNow();
        }
    }

    private static int count(String text, String line) {
        Matcher m = Pattern.compile(Pattern.quote(line)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}

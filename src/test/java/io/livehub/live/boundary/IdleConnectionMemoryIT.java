package io.livehub.live.boundary;

import io.livehub.bench.Proc;
import io.livehub.support.Api;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle WebSocket connection keeps on the server's heap, read from the server's own class
 * histogram ({@code jcmd GC.class_histogram}, after a full collection) on a server of its own.
 * Payara keeps each upgrade's HTTP request for the life of the connection; without
 * {@code TyrusFrames.releaseQueryBuffers}, its two query-decoding buffers alone are 4 KB of
 * {@code char[]} a connection.
 */
class IdleConnectionMemoryIT {

    static final int CONNECTIONS = 300;

    @Test
    void anOpenConnectionKeepsNoQueryDecodingBuffersOfItsHandshake() throws Exception {
        ServerProcess.Place place = ServerProcess.place("idle-memory");
        try (ServerProcess server = new ServerProcess(place.log(), "livehub.data.dir=" + place.dataDir(),
                "livehub.auth.mode=open").start()) {
            Api api = new Api(server.base().toURL());
            JsonObject event = api.create("memory", "deploy");
            long before = charArrayBytes(server.pid());
            List<RawSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawSocket socket = RawSocket.connect(server.base(), "channels=memory", 65536);
                    sockets.add(socket);
                    String subscribed = socket.nextMessage(); // its query was read: it is subscribed
                    assertTrue(subscribed.contains("\"subscribed\"") && subscribed.contains("\"memory\""), subscribed);
                }
                long perConnection = (charArrayBytes(server.pid()) - before) / CONNECTIONS;
                assertTrue(perConnection < 1024, "char[] bytes kept per idle connection: " + perConnection
                        + " (the two query-decoding buffers are 4,128)");
            } finally {
                for (RawSocket socket : sockets) {
                    socket.close();
                }
            }
            // requests that come after, on whatever request objects the closed connections left, still read their queries
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> listed = api.get("api/events?channel=memory&limit=5");
                assertEquals(200, listed.statusCode(), listed.body());
                assertEquals(event.getString("id"), Api.json(listed).getJsonArray("events").getJsonObject(0).getString("id"));
            }
        }
    }

    /** Bytes of {@code char[]} live on the server's heap: {@code jcmd GC.class_histogram} collects first. */
    private static long charArrayBytes(long pid) {
        String histogram = new Proc(pid).jcmd("GC.class_histogram");
        Matcher line = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+\\[C\\b", Pattern.MULTILINE).matcher(histogram);
        assertTrue(line.find(), "no char[] line in the server's class histogram: " + histogram);
        return Long.parseLong(line.group(1));
    }
}

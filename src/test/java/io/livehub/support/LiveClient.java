package io.livehub.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A Tyrus WebSocket client for tests: every text frame it receives goes on a queue. */
public final class LiveClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final Session session;

    private LiveClient(URI uri, ClientEndpointConfig.Configurator headers) throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("livehub.v1")).configurator(headers).build();
        session = ClientManager.createClient().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) frames::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
            }
        }, config, uri);
    }

    /**
     * Connects to {@code /ws} of the server at {@code base} over loopback with an admin token,
     * with an optional query such as {@code channels=a,b}.
     */
    public static LiveClient connect(URI base, String query) throws Exception {
        return connect(base, query, TestTokens.admin());
    }

    /** {@code token}: sent as the {@code token} query parameter; null sends none. */
    public static LiveClient connect(URI base, String query, String token) throws Exception {
        return new LiveClient(url(base, query, token), new ClientEndpointConfig.Configurator());
    }

    /** Sends the token in an {@code Authorization: Bearer} header instead of the query. */
    public static LiveClient connectWithHeader(URI base, String query, String token) throws Exception {
        return new LiveClient(url(base, query, null), new ClientEndpointConfig.Configurator() {
            @Override
            public void beforeRequest(java.util.Map<String, List<String>> headers) {
                headers.put("Authorization", List.of("Bearer " + token));
            }
        });
    }

    private static URI url(URI base, String query, String token) {
        StringBuilder q = new StringBuilder();
        if (query != null) {
            q.append(query);
        }
        if (token != null) {
            q.append(q.length() == 0 ? "" : "&").append("token=").append(token);
        }
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/ws" + (q.length() == 0 ? "" : "?" + q));
    }

    public void send(String frame) throws Exception {
        try {
            session.getBasicRemote().sendText(frame);
        } catch (RejectedExecutionException e) {
            // Tyrus restarts the session's idle timer after the frame is written; when the server has
            // closed the session meanwhile (its answer to this very frame, a 1009 say), the client's
            // executor is already shut down. The frame went out: what the server did is for the test.
            if (session.isOpen()) {
                throw e;
            }
        }
    }

    public String subprotocol() {
        return session.getNegotiatedSubprotocol();
    }

    /** The next raw frame, failing the test when none comes in time. */
    public String nextFrame() throws InterruptedException {
        String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return frame;
    }

    /** The next message that is not a metrics_update. */
    public JsonObject next() throws InterruptedException {
        return next(m -> !"metrics_update".equals(m.getString("type")));
    }

    /** The next message of a type, skipping metrics_update and others. */
    public JsonObject next(String type) throws InterruptedException {
        return next(m -> type.equals(m.getString("type")));
    }

    public JsonObject next(Predicate<JsonObject> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no wanted message within " + WAIT);
            }
            JsonObject message = Json.createReader(new StringReader(frame)).readObject();
            if (wanted.test(message)) {
                return message;
            }
        }
    }

    /** Fails if a message passing the filter arrives within the time given. */
    public void expectNone(Predicate<JsonObject> unwanted, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String frame;
        while ((frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            JsonObject message = Json.createReader(new StringReader(frame)).readObject();
            if (unwanted.test(message)) {
                throw new AssertionError("unexpected message " + message);
            }
        }
    }

    public CloseReason awaitClose() throws Exception {
        return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() throws Exception {
        if (session.isOpen()) {
            session.close();
        }
    }
}

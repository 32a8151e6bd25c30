package io.livehub.live.boundary;

import io.livehub.events.control.EventStore;
import io.livehub.events.entity.ChannelName;
import io.livehub.events.entity.Timestamps;
import io.livehub.live.control.BadMessage;
import io.livehub.live.control.Connection;
import io.livehub.live.control.Hub;
import io.livehub.live.control.MessageDecoder;
import io.livehub.live.control.MessageEncoder;
import io.livehub.live.entity.CloseCodes;
import io.livehub.live.entity.ErrorCode;
import io.livehub.live.entity.ErrorMessage;
import io.livehub.live.entity.Message;
import io.livehub.live.entity.Ping;
import io.livehub.live.entity.Pong;
import io.livehub.live.entity.Snapshot;
import io.livehub.live.entity.Subscribe;
import io.livehub.live.entity.TextPing;
import io.livehub.live.entity.Unsubscribe;
import io.livehub.metrics.control.Snapshots;
import io.livehub.security.entity.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint {@code /ws}: a thin layer that turns each typed message into a call
 * on the {@link Hub}, after the checks a public endpoint needs (who the caller is, which
 * channels it may use, how much it may send). Every reply goes through the connection's queue.
 * <p>
 * One instance serves every connection ({@link Handshake#getEndpointInstance}) and frames are
 * decoded here rather than by a declared decoder: the container keeps a CDI injection context
 * for each endpoint and decoder object it creates, for the life of the connection. Everything
 * per connection lives in the session's user properties.
 */
@ApplicationScoped
@ServerEndpoint(value = "/ws", subprotocols = "livehub.v1", configurator = Handshake.class,
        encoders = MessageEncoder.class)
public class LiveSocket {

    private static final Logger LOG = Logger.getLogger(LiveSocket.class.getName());
    static final String CONNECTION = "livehub.connection";
    static final String RATE = "livehub.rate";

    @Inject
    Hub hub;

    @Inject
    EventStore store;

    @Inject
    Snapshots snapshots;

    @Inject
    @ConfigProperty(name = "livehub.ws.messages-per-second", defaultValue = "50")
    int messagesPerSecond;

    @Inject
    @ConfigProperty(name = "livehub.ws.max-subscriptions", defaultValue = "100")
    int maxSubscriptions;

    private final MessageDecoder decoder = new MessageDecoder();

    @PostConstruct
    void init() {
        decoder.init(null);
    }

    @OnOpen
    public void open(Session session) {
        if (session.getUserProperties().get(Handshake.REFUSED) instanceof String reason) {
            LOG.info("WebSocket connection " + session.getId() + " refused: " + reason);
            hub.refuse(session, CloseCodes.POLICY, reason);
            return;
        }
        Caller caller = caller(session);
        if (caller != null) {
            session.getUserProperties().put(Hub.EXPIRES_AT, caller.expiresAtMillis());
        }
        Connection c = hub.open(session).orElse(null);
        if (c == null) {
            LOG.warning("WebSocket connection " + session.getId() + " refused: too many connections"
                    + (caller == null ? "" : " (server-wide or for user " + caller.name() + ")"));
            hub.refuse(session, CloseCodes.TRY_AGAIN_LATER, "too many connections");
            return;
        }
        session.getUserProperties().put(CONNECTION, c);
        session.getUserProperties().put(RATE, new MessageRate(messagesPerSecond));
        List<String> channels = session.getRequestParameterMap().getOrDefault("channels", List.of());
        for (String list : channels) {
            for (String channel : list.split(",")) {
                if (!channel.isBlank()) {
                    subscribe(c, caller, null, channel.trim(), null);
                }
            }
        }
    }

    /** The container's own ceiling; the configured limit ({@code livehub.ws.max-frame-bytes}) is checked by the decoder. */
    static final int FRAME_CEILING = 1024 * 1024;

    @OnMessage(maxMessageSize = FRAME_CEILING)
    public void message(String frame, Session session) {
        Connection c = connection(session);
        if (c == null || !admitted(c, session)) {
            return;
        }
        Message message;
        try {
            message = decoder.decode(frame);
        } catch (BadMessage bad) {
            if (bad.code() == ErrorCode.TOO_BIG) {
                close(session, CloseCodes.TOO_BIG, bad.getMessage());
            } else {
                refuse(c, bad.id(), bad.code(), bad.getMessage());
            }
            return;
        }
        if (message instanceof TextPing) {
            c.send("pong");
        } else if (message instanceof Ping ping) {
            reply(c, new Pong(ping.id(), Timestamps.now()));
        } else if (message instanceof Subscribe s) {
            subscribe(c, caller(session), s.id(), s.channel(), s.since());
        } else if (message instanceof Unsubscribe u) {
            if (c.channels().remove(u.channel())) {
                hub.unsubscribe(c, u.id(), u.channel());
            } else {
                refuse(c, u.id(), ErrorCode.INVALID, "not subscribed to channel '" + u.channel() + "'");
            }
        } else if (message instanceof Snapshot s) {
            reply(c, new Snapshot(s.id(), snapshots.current(), Timestamps.now()));
        } else {
            refuse(c, null, ErrorCode.UNKNOWN_TYPE, "this message type is sent by the server, not to it");
        }
    }

    /** Binary frames are not part of the protocol: answered, not fatal. */
    @OnMessage
    public void binary(ByteBuffer frame, Session session) {
        Connection c = connection(session);
        if (c != null && admitted(c, session)) {
            refuse(c, null, ErrorCode.BAD_JSON, "binary frames are not accepted: send JSON text frames");
        }
    }

    /** The answer to the hub's pings: how far the client has read. */
    @OnMessage
    public void pong(PongMessage pong, Session session) {
        Connection c = connection(session);
        if (c != null) {
            c.ponged(pong.getApplicationData());
        }
    }

    private void subscribe(Connection c, Caller caller, String id, String channel, Long since) {
        if (!ChannelName.isValid(channel)) {
            refuse(c, id, ErrorCode.INVALID, "channel '" + clip(channel) + "' must match " + ChannelName.RULE);
            return;
        }
        if (caller != null && !caller.mayUse(channel)) {
            refuse(c, id, ErrorCode.FORBIDDEN, "your token does not allow channel '" + channel + "'");
            return;
        }
        if (c.channels().size() >= maxSubscriptions && !c.channels().contains(channel)) {
            refuse(c, id, ErrorCode.FORBIDDEN, "at most " + maxSubscriptions + " subscriptions per connection");
            return;
        }
        if (!c.channels().add(channel)) {
            refuse(c, id, ErrorCode.INVALID, "already subscribed to channel '" + channel + "'");
            return;
        }
        hub.subscribe(c, id, channel, since, store.latestSeq(channel));
    }

    /** Counts a message against the connection's rate; refuses it over the rate, closes on sustained abuse. */
    private boolean admitted(Connection c, Session session) {
        MessageRate rate = (MessageRate) session.getUserProperties().get(RATE);
        switch (rate.take()) {
            case ALLOWED:
                return true;
            case REFUSED:
                refuse(c, null, ErrorCode.RATE_LIMITED, "more than " + messagesPerSecond + " messages per second");
                return false;
            case ABUSE:
                // as the hub closes: the close frame after what is queued, then the client's answer. Closed
                // from here at once, with the flood still unread, the connection could end in a reset that
                // the client read before the close frame (HostileInputIT saw "Connection reset" once)
                LOG.warning("Connection " + c.id() + " kept sending over its message rate: closing it with " + CloseCodes.POLICY);
                if (!hub.close(c.id(), CloseCodes.POLICY, "message rate exceeded")) {
                    close(session, CloseCodes.POLICY, "message rate exceeded"); // no longer the hub's: at once
                }
                return false;
            default:
                return false; // the connection is being closed for abuse
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        Connection c = connection(session);
        if (c != null) {
            LOG.log(Level.FINE, "WebSocket error on connection " + c.id(), failure);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Connection c = connection(session);
        if (c != null) {
            hub.closed(c);
        }
    }

    private static void close(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | IllegalStateException alreadyClosed) {
            LOG.fine(() -> "Closing " + session.getId() + ": " + alreadyClosed);
        }
    }

    private static void refuse(Connection c, String id, ErrorCode code, String message) {
        reply(c, ErrorMessage.of(id, code, message, Timestamps.now()));
    }

    private static void reply(Connection c, Message message) {
        c.send(MessageEncoder.toText(message));
    }

    private static Connection connection(Session session) {
        return (Connection) session.getUserProperties().get(CONNECTION);
    }

    private static Caller caller(Session session) {
        return (Caller) session.getUserProperties().get(Handshake.CALLER);
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}

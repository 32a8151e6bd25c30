package io.livehub.live.boundary;

import io.livehub.events.control.EventStore;
import io.livehub.events.entity.ChannelName;
import io.livehub.events.entity.Timestamps;
import io.livehub.live.control.BadMessage;
import io.livehub.live.control.Connection;
import io.livehub.live.control.Hub;
import io.livehub.live.control.MessageDecoder;
import io.livehub.live.control.MessageEncoder;
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
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint {@code /ws}: a thin layer that turns each typed message into a call
 * on the {@link Hub}. Every reply goes through the connection's queue, like the broadcasts.
 */
@ServerEndpoint(value = "/ws", subprotocols = "livehub.v1",
        encoders = MessageEncoder.class, decoders = MessageDecoder.class)
public class LiveSocket {

    private static final Logger LOG = Logger.getLogger(LiveSocket.class.getName());
    static final String CONNECTION = "livehub.connection";
    static final int MAX_FRAME_BYTES = 64 * 1024;

    @Inject
    Hub hub;

    @Inject
    EventStore store;

    @Inject
    Snapshots snapshots;

    @OnOpen
    public void open(Session session) {
        Connection c = hub.open(session);
        session.getUserProperties().put(CONNECTION, c);
        List<String> channels = session.getRequestParameterMap().getOrDefault("channels", List.of());
        for (String list : channels) {
            for (String channel : list.split(",")) {
                if (!channel.isBlank()) {
                    subscribe(c, null, channel.trim(), null);
                }
            }
        }
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void message(Message message, Session session) {
        Connection c = connection(session);
        if (message instanceof TextPing) {
            c.send("pong");
        } else if (message instanceof Ping ping) {
            reply(c, new Pong(ping.id(), Timestamps.now()));
        } else if (message instanceof Subscribe s) {
            subscribe(c, s.id(), s.channel(), s.since());
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

    /** The answer to the hub's pings: how far the client has read. */
    @OnMessage
    public void pong(PongMessage pong, Session session) {
        Connection c = connection(session);
        if (c != null) {
            c.ponged(pong.getApplicationData());
        }
    }

    private void subscribe(Connection c, String id, String channel, Long since) {
        if (!ChannelName.isValid(channel)) {
            refuse(c, id, ErrorCode.INVALID, "channel '" + clip(channel) + "' must match " + ChannelName.RULE);
            return;
        }
        if (!c.channels().add(channel)) {
            refuse(c, id, ErrorCode.INVALID, "already subscribed to channel '" + channel + "'");
            return;
        }
        hub.subscribe(c, id, channel, since, store.latestSeq(channel));
    }

    @OnError
    public void error(Session session, Throwable failure) {
        Connection c = (Connection) session.getUserProperties().get(CONNECTION);
        if (c == null) {
            return;
        }
        if (failure instanceof BadMessage bad) {
            refuse(c, bad.id(), bad.code(), bad.getMessage());
        } else if (failure instanceof DecodeException) {
            refuse(c, null, ErrorCode.BAD_JSON, "the frame could not be read");
        } else {
            LOG.log(Level.FINE, "WebSocket error on connection " + c.id(), failure);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Connection c = (Connection) session.getUserProperties().get(CONNECTION);
        if (c != null) {
            hub.closed(c);
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

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}

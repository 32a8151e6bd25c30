package io.livehub.live.entity;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/**
 * Every message of the WebSocket protocol, both directions; {@code type} on the wire names the
 * record. Server messages carry {@code timestamp}; a direct reply echoes the request's {@code id}.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "ping", type = Ping.class),
        @JsonbSubtype(alias = "pong", type = Pong.class),
        @JsonbSubtype(alias = "subscribe", type = Subscribe.class),
        @JsonbSubtype(alias = "unsubscribe", type = Unsubscribe.class),
        @JsonbSubtype(alias = "snapshot", type = Snapshot.class),
        @JsonbSubtype(alias = "subscribed", type = Subscribed.class),
        @JsonbSubtype(alias = "unsubscribed", type = Unsubscribed.class),
        @JsonbSubtype(alias = "event_created", type = EventCreated.class),
        @JsonbSubtype(alias = "event_update", type = EventUpdate.class),
        @JsonbSubtype(alias = "event_deleted", type = EventDeleted.class),
        @JsonbSubtype(alias = "metrics_update", type = MetricsUpdate.class),
        @JsonbSubtype(alias = "error", type = ErrorMessage.class),
        @JsonbSubtype(alias = "announcement", type = Announcement.class)
})
public sealed interface Message permits Ping, Pong, Subscribe, Unsubscribe, Snapshot, Subscribed, Unsubscribed,
        EventCreated, EventUpdate, EventDeleted, MetricsUpdate, ErrorMessage, Announcement, TextPing, TextPong {
}

package io.livehub.live.entity;

import jakarta.json.JsonObject;

/** {@code data} is {@code {"id": ...}} of the deleted event. */
public record EventDeleted(String channel, long seq, JsonObject data, String timestamp) implements Message {
}

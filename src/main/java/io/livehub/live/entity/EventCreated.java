package io.livehub.live.entity;

import jakarta.json.JsonObject;

public record EventCreated(String channel, long seq, JsonObject data, String timestamp) implements Message {
}

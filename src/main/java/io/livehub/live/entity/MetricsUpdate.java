package io.livehub.live.entity;

import jakarta.json.JsonObject;

public record MetricsUpdate(JsonObject data, String timestamp) implements Message {
}

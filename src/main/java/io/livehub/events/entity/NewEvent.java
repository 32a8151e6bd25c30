package io.livehub.events.entity;

import jakarta.json.JsonObject;

/** A validated request to create an event. */
public record NewEvent(String channel, String type, String status, JsonObject payload) {
}

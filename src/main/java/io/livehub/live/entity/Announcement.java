package io.livehub.live.entity;

import jakarta.json.JsonObject;

/** An administrator's message to every connection: {@code data} is {@code {"message": ..., "level": ...}}. */
public record Announcement(JsonObject data, String timestamp) implements Message {
}

package io.livehub.live.entity;

import jakarta.json.JsonObject;

/** The request (no data) and its reply (data as {@code GET /api/snapshot}). */
public record Snapshot(String id, JsonObject data, String timestamp) implements Message {
}

package io.livehub.events.entity;

import jakarta.json.JsonObject;

/**
 * CDI event fired inside the write transaction; observers that push it to clients use
 * {@code during = AFTER_SUCCESS}, so nobody ever sees a change that was rolled back.
 */
public record Changed(String channel, long seq, Change.Kind kind, JsonObject data) {
}

package io.livehub.events.entity;

import jakarta.json.JsonObject;

/**
 * CDI event of one committed change: fired inside a JPA write's transaction, or by the group
 * commit after its commit (with no transaction). Observers that push it to clients use
 * {@code during = AFTER_SUCCESS}, so nobody ever sees a change that was rolled back.
 */
public record Changed(String channel, long seq, Change.Kind kind, JsonObject data) {
}

package io.livehub.live.entity;

/** {@code seq}: the channel's latest seq; {@code recovered}: only when the subscribe gave {@code since}. */
public record Subscribed(String id, String channel, long seq, Boolean recovered, String timestamp) implements Message {
}

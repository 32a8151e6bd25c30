package io.livehub.live.entity;

/** {@code since}: the last seq the client has of the channel; null subscribes without recovery. */
public record Subscribe(String id, String channel, Long since) implements Message {
}

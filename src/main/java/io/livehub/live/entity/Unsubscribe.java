package io.livehub.live.entity;

public record Unsubscribe(String id, String channel) implements Message {
}

package io.livehub.live.entity;

public record Unsubscribed(String id, String channel, String timestamp) implements Message {
}

package io.livehub.live.entity;

public record Pong(String id, String timestamp) implements Message {
}

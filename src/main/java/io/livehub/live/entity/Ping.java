package io.livehub.live.entity;

public record Ping(String id) implements Message {
}

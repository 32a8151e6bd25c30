package io.livehub.live.entity;

/** The bare text frame {@code pong}, the answer to {@link TextPing}. */
public record TextPong() implements Message {
}

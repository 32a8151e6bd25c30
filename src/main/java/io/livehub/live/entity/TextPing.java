package io.livehub.live.entity;

/** The bare text frame {@code ping}, for clients that cannot send JSON from their heartbeat. */
public record TextPing() implements Message {
}

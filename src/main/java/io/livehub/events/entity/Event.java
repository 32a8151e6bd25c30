package io.livehub.events.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** One event as the store keeps it; {@code payload} is the JSON text of its payload object. */
@Entity
@Table(name = "lh_event")
public class Event {

    @Id
    @Column(length = 36)
    private String id;
    @Column(nullable = false, length = 128)
    private String channel;
    @Column(nullable = false, length = 128)
    private String type;
    @Column(nullable = false, length = 32)
    private String status;
    @Column(nullable = false)
    private String payload;
    private long seq;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected Event() {
    }

    public Event(String channel, String type, String status, String payload, long now) {
        this.id = newId(now);
        this.channel = channel;
        this.type = type;
        this.status = status;
        this.payload = payload;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /**
     * A time-ordered UUID (version 7, RFC 9562): 48 bits of milliseconds, then 74 random bits.
     * New ids land at the end of the primary-key index instead of on a random page of it, which
     * keeps bulk inserts fast, and need no {@code SecureRandom}: an id is a name, not a secret
     * (reading an event takes a token with a role).
     */
    static String newId(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    public void change(String status, String payload, long now) {
        if (status != null) {
            this.status = status;
        }
        if (payload != null) {
            this.payload = payload;
        }
        this.updatedAt = now;
    }

    public void sequence(long seq) {
        this.seq = seq;
    }

    public String id() { return id; }
    public String channel() { return channel; }
    public String type() { return type; }
    public String status() { return status; }
    public String payload() { return payload; }
    public long seq() { return seq; }
    public long createdAt() { return createdAt; }
    public long updatedAt() { return updatedAt; }
}

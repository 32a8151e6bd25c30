package io.livehub.events.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;

/**
 * One numbered change of a channel, as it was broadcast: the change log a client that
 * reconnects with {@code since} is replayed from. {@code data} is JSON text.
 */
@Entity
@Table(name = "lh_change")
@IdClass(Change.Key.class)
public class Change {

    public enum Kind { CREATED, UPDATED, DELETED }

    /** The primary key (channel, seq): no seq is ever given out twice in a channel. */
    public static class Key implements Serializable {
        public String channel;
        public long seq;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.seq == seq && java.util.Objects.equals(k.channel, channel);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(channel, seq);
        }
    }

    @Id
    @Column(length = 128)
    private String channel;
    @Id
    private long seq;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Kind kind;
    @Column(name = "event_id", nullable = false, length = 36)
    private String eventId;
    @Column(nullable = false)
    private String data;
    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected Change() {
    }

    public Change(String channel, long seq, Kind kind, String eventId, String data, long now) {
        this.channel = channel;
        this.seq = seq;
        this.kind = kind;
        this.eventId = eventId;
        this.data = data;
        this.createdAt = now;
    }

    public String channel() { return channel; }
    public long seq() { return seq; }
    public Kind kind() { return kind; }
    public String eventId() { return eventId; }
    public String data() { return data; }
}

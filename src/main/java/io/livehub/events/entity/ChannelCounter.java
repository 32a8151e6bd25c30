package io.livehub.events.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The last seq given out in one channel; the row every write of the channel locks. */
@Entity
@Table(name = "lh_channel")
public class ChannelCounter {

    @Id
    @Column(length = 128)
    private String name;
    private long seq;

    protected ChannelCounter() {
    }

    public ChannelCounter(String name) {
        this.name = name;
    }

    public long next() {
        return ++seq;
    }

    public String name() { return name; }
    public long seq() { return seq; }
}

package io.livehub.events.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;


/** The first answer to a write that carried an {@code Idempotency-Key}, kept for 24 hours. */
@Entity
@Table(name = "lh_idempotency")
public class IdempotentAnswer {

    @Id
    @Column(name = "idem_key", length = 300)
    private String key;
    private int status;
    @Column(length = 300)
    private String location;
    @Column(nullable = false)
    private String body;
    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected IdempotentAnswer() {
    }

    public IdempotentAnswer(String key, int status, String location, String body, long now) {
        this.key = key;
        this.status = status;
        this.location = location;
        this.body = body;
        this.createdAt = now;
    }

    public String key() { return key; }
    public int status() { return status; }
    public String location() { return location; }
    public String body() { return body; }
    public long createdAt() { return createdAt; }
}

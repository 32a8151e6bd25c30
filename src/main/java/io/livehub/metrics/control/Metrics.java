package io.livehub.metrics.control;

import io.livehub.events.control.EventCounts;
import io.livehub.live.control.Hub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/** The metrics object of the contract, the same over REST and in {@code metrics_update}. */
@ApplicationScoped
public class Metrics {

    /** events_per_second is measured over at least this long. */
    static final long RATE_WINDOW_MILLIS = 1000;

    @Inject
    EventCounts counts;

    @Inject
    Hub hub;

    private long sampledAt;
    private long sampledChanges = -1;
    private double rate;

    public JsonObject current() {
        EventCounts.Counts c = counts.count();
        return Json.createObjectBuilder()
                .add("total_events", c.total())
                .add("pending_events", c.status("pending"))
                .add("delivered_events", c.status("delivered"))
                .add("failed_events", c.status("failed"))
                .add("events_per_second", rate(c.changes()))
                .add("connections", hub.connections().size())
                .add("subscriptions", hub.subscriptions())
                .add("messages_sent", hub.traffic().sent())
                .add("messages_dropped", hub.traffic().dropped())
                .add("nodes", 1)
                .build();
    }

    /** Writes (creates, updates, deletes) per second in the whole store, over the last window. */
    private synchronized double rate(long changes) {
        long now = System.currentTimeMillis();
        if (sampledChanges < 0) {
            sampledChanges = changes;
            sampledAt = now;
        } else if (now - sampledAt >= RATE_WINDOW_MILLIS) {
            rate = Math.round((changes - sampledChanges) * 10_000.0 / (now - sampledAt)) / 10.0;
            sampledChanges = changes;
            sampledAt = now;
        }
        return rate;
    }
}

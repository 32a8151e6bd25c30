package io.livehub.metrics.control;

import io.livehub.events.control.EventJson;
import io.livehub.events.control.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * What a polling or reloading client needs at once: the metrics, the latest seq of every
 * channel (its cursors), and the newest events, most recently changed first.
 */
@ApplicationScoped
public class Snapshots {

    static final int NEWEST = 50;

    @Inject
    Metrics metrics;

    @Inject
    EventStore store;

    public JsonObject current() {
        JsonObjectBuilder channels = Json.createObjectBuilder();
        store.latestSeqs().forEach(channels::add);
        return Json.createObjectBuilder()
                .add("metrics", metrics.current())
                .add("channels", channels)
                .add("events", EventJson.array(store.newest(NEWEST)))
                .build();
    }
}

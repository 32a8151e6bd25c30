package io.livehub.events.control;

import io.livehub.events.entity.Event;
import io.livehub.events.entity.Timestamps;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** The wire shape of an event: the same JSON object over REST and inside every message. */
public final class EventJson {

    /**
     * Found once: every {@code Json.createX} call looks the provider up again with a
     * {@code ServiceLoader} scan of the application's class path, which was a fifth of the CPU
     * of a POST (issue 6's profile).
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    /** JSON-P 2.1's system property naming the provider class, read once, when the API is first used. */
    public static final String PROVIDER_PROPERTY = "jakarta.json.provider";

    static {
        providerWarning(System.getProperty(PROVIDER_PROPERTY)).ifPresent(Logger.getLogger(EventJson.class.getName())::warning);
    }

    /**
     * What to warn about when {@code jakarta.json.provider} is {@code configured} as it is: the
     * container's own JSON-P calls (MP-JWT's token parsing, Jersey) look the provider up each time
     * without it. Empty when it is set.
     */
    static Optional<String> providerWarning(String configured) {
        return configured != null ? Optional.empty() : Optional.of("-D" + PROVIDER_PROPERTY + " is not set: every Json.createX call"
                + " outside Livehub scans the class path for the JSON-P provider (a quarter of the CPU of a request"
                + " with a token); start the JVM with -D" + PROVIDER_PROPERTY + "=" + JSON.getClass().getName());
    }

    private EventJson() {
    }

    public static JsonObject of(Event e) {
        return of(e, parse(e.payload()));
    }

    /** With the payload as an object already, not parsed again from the event's text. */
    public static JsonObject of(Event e, JsonObject payload) {
        return JSON.createObjectBuilder()
                .add("id", e.id())
                .add("channel", e.channel())
                .add("type", e.type())
                .add("status", e.status())
                .add("payload", payload)
                .add("seq", e.seq())
                .add("created_at", Timestamps.format(e.createdAt()))
                .add("updated_at", Timestamps.format(e.updatedAt()))
                .build();
    }

    public static JsonArrayBuilder array(List<Event> events) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        events.forEach(e -> array.add(of(e)));
        return array;
    }

    public static JsonObject deleted(String id) {
        return JSON.createObjectBuilder().add("id", id).build();
    }

    public static JsonObject parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}

package io.livehub.events.boundary;

import io.livehub.events.control.EventJson;
import io.livehub.events.control.JsonDepth;
import io.livehub.events.entity.ChannelName;
import io.livehub.events.entity.NewEvent;
import io.livehub.problems.Problem;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads and checks request bodies; every refusal names the field at fault. */
final class EventInput {

    static final Pattern STATUS = Pattern.compile("[a-z_]{1,32}");
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    static final int MAX_BATCH = 1000;
    static final String DEFAULT_CHANNEL = "events";
    static final String DEFAULT_STATUS = "pending";

    private EventInput() {
    }

    static JsonStructure parse(String body) {
        if (body == null || body.isBlank()) {
            throw Problem.invalid("the request body is empty; send a JSON object");
        }
        if (JsonDepth.exceeds(body, JsonDepth.MAX)) {
            throw Problem.invalid("the body nests deeper than " + JsonDepth.MAX + " levels");
        }
        try (JsonReader reader = EventJson.JSON.createReader(new StringReader(body))) {
            return reader.read();
        } catch (JsonParsingException e) {
            throw Problem.invalid("the body is not valid JSON (at line " + e.getLocation().getLineNumber()
                    + ", column " + e.getLocation().getColumnNumber() + ")");
        } catch (JsonException e) {
            throw Problem.invalid("the body is not valid JSON");
        }
    }

    static JsonObject object(String body) {
        if (parse(body) instanceof JsonObject o) {
            return o;
        }
        throw Problem.invalid("the body must be a JSON object");
    }

    static NewEvent event(JsonObject o, String at) {
        String channel = optionalString(o, "channel", at, DEFAULT_CHANNEL);
        channel(channel, at + "channel");
        String type = optionalString(o, "type", at, null);
        if (type == null || type.isEmpty() || type.length() > 128) {
            throw Problem.invalid("field '" + at + "type' is required: a string of 1 to 128 characters");
        }
        String status = optionalString(o, "status", at, DEFAULT_STATUS);
        status(status, at + "status");
        JsonObject payload = payload(o, at);
        return new NewEvent(channel, type, status, payload == null ? JsonValue.EMPTY_JSON_OBJECT : payload);
    }

    static List<NewEvent> batch(String body) {
        JsonStructure json = parse(body);
        JsonArray array;
        if (json instanceof JsonArray a) {
            array = a;
        } else if (json instanceof JsonObject o && o.get("events") instanceof JsonArray a) {
            array = a;
        } else {
            throw Problem.invalid("field 'events' is required: an array of events");
        }
        if (array.isEmpty() || array.size() > MAX_BATCH) {
            throw Problem.invalid("field 'events' must hold 1 to " + MAX_BATCH + " events, not " + array.size());
        }
        List<NewEvent> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = "events[" + i + "].";
            if (!(array.get(i) instanceof JsonObject o)) {
                throw Problem.invalid("'" + at.substring(0, at.length() - 1) + "' must be a JSON object");
            }
            events.add(event(o, at));
        }
        return events;
    }

    /** The payload object if the body has one, checked for size; null when absent. */
    static JsonObject payload(JsonObject o, String at) {
        JsonValue value = o.get("payload");
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonObject payload)) {
            throw Problem.invalid("field '" + at + "payload' must be a JSON object");
        }
        int size = payload.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw Problem.tooLarge("field '" + at + "payload' is " + size + " bytes serialized; at most "
                    + MAX_PAYLOAD_BYTES + " are allowed");
        }
        return payload;
    }

    static String optionalString(JsonObject o, String field, String at, String fallback) {
        JsonValue value = o.get(field);
        if (value == null || value == JsonValue.NULL) {
            return fallback;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw Problem.invalid("field '" + at + field + "' must be a string");
    }

    static String channel(String channel, String field) {
        if (channel != null && !ChannelName.isValid(channel)) {
            throw Problem.invalid("field '" + field + "' must match " + ChannelName.RULE);
        }
        return channel;
    }

    static String status(String status, String field) {
        if (status != null && !STATUS.matcher(status).matches()) {
            throw Problem.invalid("field '" + field + "' must be 1 to 32 characters of [a-z_]");
        }
        return status;
    }
}

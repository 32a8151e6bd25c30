package io.livehub.live.control;

import io.livehub.events.control.EventJson;
import io.livehub.events.control.JsonDepth;
import io.livehub.events.entity.ChannelName;
import io.livehub.live.entity.ErrorCode;
import io.livehub.live.entity.Message;
import io.livehub.live.entity.TextPing;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.StringReader;
import java.util.Map;
import java.util.Set;

/**
 * The one decoder of every incoming frame. It checks the frame with JSON-P first, so that each
 * refusal carries the contract's code ({@code bad_json}, {@code unknown_type}, {@code invalid})
 * and names the field at fault, then binds the checked object with JSON-B.
 */
public class MessageDecoder implements Decoder.Text<Message> {

    /** The fields each message type may carry that have a required JSON type. */
    private static final Map<String, Map<String, JsonValue.ValueType>> FIELDS = Map.ofEntries(
            Map.entry("ping", Map.of()),
            Map.entry("pong", Map.of()),
            Map.entry("subscribe", Map.of("channel", JsonValue.ValueType.STRING, "since", JsonValue.ValueType.NUMBER)),
            Map.entry("unsubscribe", Map.of("channel", JsonValue.ValueType.STRING)),
            Map.entry("snapshot", Map.of("data", JsonValue.ValueType.OBJECT)),
            Map.entry("subscribed", Map.of("channel", JsonValue.ValueType.STRING, "seq", JsonValue.ValueType.NUMBER)),
            Map.entry("unsubscribed", Map.of("channel", JsonValue.ValueType.STRING)),
            Map.entry("event_created", Map.of("channel", JsonValue.ValueType.STRING, "seq", JsonValue.ValueType.NUMBER, "data", JsonValue.ValueType.OBJECT)),
            Map.entry("event_update", Map.of("channel", JsonValue.ValueType.STRING, "seq", JsonValue.ValueType.NUMBER, "data", JsonValue.ValueType.OBJECT)),
            Map.entry("event_deleted", Map.of("channel", JsonValue.ValueType.STRING, "seq", JsonValue.ValueType.NUMBER, "data", JsonValue.ValueType.OBJECT)),
            Map.entry("metrics_update", Map.of("data", JsonValue.ValueType.OBJECT)),
            Map.entry("error", Map.of("error", JsonValue.ValueType.OBJECT)),
            Map.entry("announcement", Map.of("data", JsonValue.ValueType.OBJECT)));

    private static final Set<String> NEED_CHANNEL = Set.of("subscribe", "unsubscribe", "subscribed", "unsubscribed",
            "event_created", "event_update", "event_deleted");

    public static Message fromText(String frame) throws BadMessage {
        if ("ping".equals(frame)) {
            return new TextPing();
        }
        JsonObject json = object(frame);
        String id = json.get("id") instanceof JsonString s ? s.getString() : null;
        if (json.containsKey("id") && id == null && json.get("id") != JsonValue.NULL) {
            throw new BadMessage(frame, ErrorCode.INVALID, null, "field 'id' must be a string");
        }
        if (!(json.get("type") instanceof JsonString typeValue)) {
            throw new BadMessage(frame, ErrorCode.UNKNOWN_TYPE, id, "field 'type' is required: a string");
        }
        String type = typeValue.getString();
        Map<String, JsonValue.ValueType> fields = FIELDS.get(type);
        if (fields == null) {
            throw new BadMessage(frame, ErrorCode.UNKNOWN_TYPE, id, "unknown message type '" + clip(type) + "'");
        }
        for (Map.Entry<String, JsonValue.ValueType> field : fields.entrySet()) {
            JsonValue value = json.get(field.getKey());
            if (value != null && value != JsonValue.NULL && value.getValueType() != field.getValue()) {
                throw new BadMessage(frame, ErrorCode.INVALID, id,
                        "field '" + field.getKey() + "' must be a " + field.getValue().name().toLowerCase());
            }
        }
        if (NEED_CHANNEL.contains(type) && !ChannelName.isValid(json.getString("channel", null))) {
            throw new BadMessage(frame, ErrorCode.INVALID, id, "field 'channel' is required and must match " + ChannelName.RULE);
        }
        if (json.get("since") instanceof JsonNumber since && (!since.isIntegral() || since.bigIntegerValue().signum() < 0
                || since.bigIntegerValue().bitLength() > 63)) {
            throw new BadMessage(frame, ErrorCode.INVALID, id, "field 'since' must be a seq: a whole number from 0");
        }
        try {
            return MessageEncoder.JSONB.fromJson(frame, Message.class);
        } catch (JsonbException e) {
            throw new BadMessage(frame, ErrorCode.INVALID, id, "a field of this '" + type + "' message has the wrong form");
        }
    }

    private static JsonObject object(String frame) throws BadMessage {
        if (JsonDepth.exceeds(frame, JsonDepth.MAX)) {
            throw new BadMessage(frame, ErrorCode.BAD_JSON, null, "the frame nests deeper than " + JsonDepth.MAX + " levels");
        }
        try (JsonReader reader = EventJson.JSON.createReader(new StringReader(frame))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject o) {
                return o;
            }
        } catch (JsonException e) {
            throw new BadMessage(frame, ErrorCode.BAD_JSON, null, "the frame is not valid JSON");
        }
        throw new BadMessage(frame, ErrorCode.BAD_JSON, null, "the frame must be a JSON object");
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    /** {@code livehub.ws.max-frame-bytes}, counted in characters; a longer frame closes the connection with 1009. */
    private int maxFrameChars = DEFAULT_MAX_FRAME;
    public static final int DEFAULT_MAX_FRAME = 64 * 1024;

    @Override
    public void init(EndpointConfig config) {
        maxFrameChars = ConfigProvider.getConfig(MessageDecoder.class.getClassLoader())
                .getOptionalValue("livehub.ws.max-frame-bytes", Integer.class).orElse(DEFAULT_MAX_FRAME);
    }

    @Override
    public Message decode(String frame) throws BadMessage {
        if (frame.length() > maxFrameChars) {
            throw new BadMessage(frame, ErrorCode.TOO_BIG, null, "a frame may hold at most " + maxFrameChars + " characters");
        }
        return fromText(frame);
    }

    @Override
    public boolean willDecode(String frame) {
        return true;
    }
}

package io.livehub.live.control;

import io.livehub.live.entity.Message;
import io.livehub.live.entity.TextPong;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.websocket.Encoder;

/** The one encoder of every outgoing message; one shared {@link Jsonb}, created once. */
public class MessageEncoder implements Encoder.Text<Message> {

    static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    public static String toText(Message message) {
        if (message instanceof TextPong) {
            return "pong";
        }
        return JSONB.toJson(message);
    }

    @Override
    public String encode(Message message) {
        return toText(message);
    }
}

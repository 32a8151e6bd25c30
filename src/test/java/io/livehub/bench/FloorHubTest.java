package io.livehub.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The floor hub reads an event's fields as they are written, whatever its payload holds. */
class FloorHubTest {

    @Test
    void topLevelFieldsAreTakenAsWrittenWithNestedValuesWhole() {
        byte[] json = ("{ \"channel\" : \"deploys\", \"type\":\"bench\",\"payload\":{\"s\":\"}{\\\"]\",\"n\":[1,{\"seq\":2}]},"
                + "\"n\":12 }").getBytes(StandardCharsets.UTF_8);
        Map<String, String> fields = FloorHub.fields(json, 0, json.length);
        assertEquals("\"deploys\"", fields.get("channel"));
        assertEquals("\"bench\"", fields.get("type"));
        assertEquals("{\"s\":\"}{\\\"]\",\"n\":[1,{\"seq\":2}]}", fields.get("payload"));
        assertEquals("12", fields.get("n"));
        assertEquals(4, fields.size());
    }

    @Test
    void notAnObjectHasNoFields() {
        byte[] json = "[{\"channel\":\"a\"}]".getBytes(StandardCharsets.UTF_8);
        assertTrue(FloorHub.fields(json, 0, json.length).isEmpty());
    }
}

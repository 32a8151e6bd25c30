package io.livehub.events.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up warning about JSON-P's provider, which a server started without the flag logs. */
class EventJsonTest {

    @Test
    void warnsWithTheFlagToAddWhenTheProviderIsNotNamed() {
        String warning = EventJson.providerWarning(null).orElseThrow();
        assertTrue(warning.startsWith("-Djakarta.json.provider is not set"), warning);
        assertTrue(warning.endsWith("-Djakarta.json.provider=" + EventJson.JSON.getClass().getName()), warning);
    }

    @Test
    void saysNothingWhenItIsNamed() {
        assertEquals(java.util.Optional.empty(), EventJson.providerWarning("org.eclipse.parsson.JsonProviderImpl"));
    }
}

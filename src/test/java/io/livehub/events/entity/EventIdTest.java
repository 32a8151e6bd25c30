package io.livehub.events.entity;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventIdTest {

    @Test
    void isAVersion7UuidCarryingItsMillisecond() {
        long now = 1_795_400_000_123L;
        UUID id = UUID.fromString(Event.newId(now));
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(now, id.getMostSignificantBits() >>> 16);
    }

    @Test
    void laterIdsSortAfterEarlierOnesAndNoneRepeats() {
        Set<String> seen = new HashSet<>();
        String previous = Event.newId(1_000);
        for (int i = 0; i < 100_000; i++) {
            String id = Event.newId(1_001 + i / 100);
            assertTrue(seen.add(id), "unique");
            if (i % 100 == 0) {
                assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
            }
            previous = id;
        }
    }
}

package io.livehub.events.entity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimestampsTest {

    /** The JDK's ISO format with exactly three fraction digits, the reference for the hand-made one. */
    private static String reference(long millis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis).plusNanos(1_000)).replaceFirst("(\\.\\d{3})\\d+Z$", "$1Z");
    }

    @Test
    void formatsLikeTheIsoInstantWithMilliseconds() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(0, 253_402_300_800_000L);
            assertEquals(reference(millis), Timestamps.format(millis), "at " + millis);
        }
    }

    @Test
    void formatsTheEdgesOfTheFourDigitYears() {
        assertEquals("1970-01-01T00:00:00.000Z", Timestamps.format(0));
        assertEquals("2026-11-23T02:15:00.007Z", Timestamps.format(Instant.parse("2026-11-23T02:15:00.007Z").toEpochMilli()));
        assertEquals("2024-02-29T23:59:59.999Z", Timestamps.format(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli()));
        assertEquals("9999-12-31T23:59:59.999Z", Timestamps.format(253_402_300_799_999L));
        assertEquals("1969-12-31T23:59:59.999Z", Timestamps.format(-1));
    }

    @Test
    void theSameMillisecondTwiceGivesTheSameText() {
        long now = System.currentTimeMillis();
        assertEquals(Timestamps.format(now), Timestamps.format(now));
        assertEquals(reference(now + 1), Timestamps.format(now + 1));
    }
}

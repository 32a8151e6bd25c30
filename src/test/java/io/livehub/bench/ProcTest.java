package io.livehub.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcTest {

    @Test
    void readsTheGcPausesOfAJvmFromItsPerformanceCounters() {
        Proc self = Proc.self();
        Proc.GcPauses before = self.gcPauses();
        assertNotNull(before, "this JVM's /tmp/hsperfdata file was not read");

        System.gc(); // a full collection, which is a stop-the-world pause in every HotSpot collector

        Proc.GcPauses after = self.gcPauses();
        assertTrue(after.count() > before.count(), () -> before + " then " + after);
        assertTrue(after.seconds() > before.seconds(), () -> before + " then " + after);
    }

    @Test
    void aProcessWithoutPerformanceCountersHasNoGcFigures() {
        assertEquals(null, new Proc(Long.MAX_VALUE).gcPauses());
    }
}

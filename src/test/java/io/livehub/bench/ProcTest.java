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
    void namesTheProcessorItsVirtualisationAndAvx512() {
        String faster = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
                + "flags\t\t: fpu vme sse2 ht avx2 hypervisor avx512f avx512dq\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n";
        assertEquals("AMD EPYC, virtual machine, AVX-512", Proc.cpu(faster));
        assertEquals("Intel Xeon, no AVX-512", Proc.cpu("model name : Intel Xeon\nflags : fpu sse2 avx2\n"));
        assertEquals("unknown", Proc.cpu(""));
        assertTrue(Proc.cpu().length() > 0);
    }

    @Test
    void aProcessWithoutPerformanceCountersHasNoGcFigures() {
        assertEquals(null, new Proc(Long.MAX_VALUE).gcPauses());
    }
}

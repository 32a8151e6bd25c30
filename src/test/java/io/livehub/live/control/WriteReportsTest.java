package io.livehub.live.control;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteReportsTest {

    private final List<String> events = new ArrayList<>();
    private final WriteReports reports = new WriteReports(
            failure -> events.add(failure == null ? "taken" : "failed " + failure.getMessage()),
            failure -> events.add("broken " + failure.getMessage()));

    @Test
    void aLateCompletionOfAWriteTakenAtOnceDoesNotReportTheNextWrite() {
        reports.taken(reports.issue());
        long second = reports.issue();
        reports.finished(null); // Grizzly finishes the first write only now

        assertEquals(List.of("taken"), events);

        reports.finished(null);
        assertEquals(List.of("taken", "taken"), events);
        assertEquals(2, second);
    }

    @Test
    void aWriteWithoutRoomIsTakenWhenFinished() {
        reports.issue();
        assertTrue(events.isEmpty(), events.toString());

        reports.finished(null);
        assertEquals(List.of("taken"), events);
    }

    @Test
    void aWriteFinishedBeforeItsRoomIsCheckedIsReportedOnce() {
        long n = reports.issue();
        reports.finished(null);
        reports.taken(n);

        assertEquals(List.of("taken"), events);
    }

    @Test
    void aFailureOfAWriteNotYetTakenIsItsReport() {
        reports.taken(reports.issue());
        reports.finished(null);
        reports.issue();
        reports.finished(new IOException("reset"));

        assertEquals(List.of("taken", "failed reset"), events);
    }

    @Test
    void aFailureOfAWriteAlreadyTakenBreaksTheConnection() {
        reports.taken(reports.issue());
        reports.finished(new IOException("reset"));

        assertEquals(List.of("taken", "broken reset"), events);
    }
}

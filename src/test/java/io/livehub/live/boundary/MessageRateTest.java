package io.livehub.live.boundary;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection's inbound message budget: refusals first, abuse said once, then silence while it is closed. */
class MessageRateTest {

    @Test
    void sustainedAbuseIsSaidOnceAndEveryLaterMessageIsIgnored() {
        MessageRate rate = new MessageRate(10);
        List<MessageRate.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            verdicts.add(rate.take());
        }
        int abuse = verdicts.indexOf(MessageRate.Verdict.ABUSE);
        assertTrue(abuse > 0, "a flood of 1000 messages at once is abuse: " + verdicts.subList(0, 40));
        assertTrue(verdicts.subList(0, abuse).contains(MessageRate.Verdict.REFUSED), "refusals come first");
        assertEquals(abuse, verdicts.lastIndexOf(MessageRate.Verdict.ABUSE), "abuse is said once");
        assertTrue(verdicts.subList(abuse + 1, verdicts.size()).stream().allMatch(v -> v == MessageRate.Verdict.IGNORED),
                "every message after it is ignored, none refused or allowed");
    }
}

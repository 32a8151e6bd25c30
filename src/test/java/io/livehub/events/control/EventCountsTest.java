package io.livehub.events.control;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventCountsTest {

    private static Map<String, Long> moved(String from, String to) {
        Map<String, Long> moves = new HashMap<>();
        EventCounts.moved(moves, from, to);
        moves.values().removeIf(n -> n == 0);
        return moves;
    }

    @Test
    void aCreatedEventCountsInTheTotalAndItsStatus() {
        assertEquals(Map.of("total", 1L, "pending", 1L), moved(null, "pending"));
        assertEquals(Map.of("total", 1L), moved(null, "archived"), "other statuses count in the total only");
    }

    @Test
    void aNewStatusMovesOneCountToAnother() {
        assertEquals(Map.of("pending", -1L, "delivered", 1L), moved("pending", "delivered"));
        assertEquals(Map.of("failed", -1L), moved("failed", "archived"));
        assertEquals(Map.of(), moved("delivered", "delivered"));
    }

    @Test
    void aDeletedEventLeavesTheTotalAndItsStatus() {
        assertEquals(Map.of("total", -1L, "failed", -1L), moved("failed", null));
    }

    @Test
    void aGroupAddsUp() {
        Map<String, Long> moves = new HashMap<>();
        EventCounts.moved(moves, null, "pending");
        EventCounts.moved(moves, null, "pending");
        EventCounts.moved(moves, null, "delivered");
        assertEquals(Map.of("total", 3L, "pending", 2L, "delivered", 1L), moves);
    }
}

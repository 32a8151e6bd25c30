package io.livehub.events.entity;

import java.util.List;

/** One page of a listing; {@code next} is the cursor of the following page, or null at the end. */
public record EventPage(List<Event> events, Long next) {
}

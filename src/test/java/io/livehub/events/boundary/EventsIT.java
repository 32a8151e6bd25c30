package io.livehub.events.boundary;

import io.livehub.support.Api;
import io.livehub.support.Deployed;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API of events, against a real Payara Micro and database. */
class EventsIT extends Deployed {

    Api api;
    String channel;

    @BeforeEach
    void setUp() {
        api = new Api(base);
        channel = "rest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createsAnEventWithLocationAndDefaults() {
        HttpResponse<String> r = api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"deploy.finished\"}");
        assertEquals(201, r.statusCode());
        JsonObject e = Api.json(r);
        assertEquals(channel, e.getString("channel"));
        assertEquals("deploy.finished", e.getString("type"));
        assertEquals("pending", e.getString("status"));
        assertEquals(JsonObject.EMPTY_JSON_OBJECT, e.getJsonObject("payload"));
        assertEquals(1, e.getInt("seq"));
        assertTrue(e.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), e.toString());
        assertEquals(api.base().resolve("api/events/" + e.getString("id")).toString(), r.headers().firstValue("Location").orElseThrow());
        assertEquals(e, Api.json(api.get("api/events/" + e.getString("id"))));
    }

    @Test
    void defaultsTheChannelToEvents() {
        JsonObject e = Api.json(api.post("api/events", "{\"type\":\"x\",\"status\":\"delivered\",\"payload\":{\"a\":[1,2]}}"));
        assertEquals("events", e.getString("channel"));
        assertEquals("delivered", e.getString("status"));
        assertEquals(2, e.getJsonObject("payload").getJsonArray("a").size());
    }

    @Test
    void numbersEachChannelFromOne() {
        assertEquals(1, api.create(channel, "a").getInt("seq"));
        assertEquals(2, api.create(channel, "b").getInt("seq"));
        assertEquals(1, api.create(channel + "-other", "c").getInt("seq"));
    }

    @Test
    void createsABatchInOrder() {
        HttpResponse<String> r = api.post("api/events/batch", "{\"events\":[{\"channel\":\"" + channel
                + "\",\"type\":\"a\"},{\"channel\":\"" + channel + "\",\"type\":\"b\"},{\"channel\":\"" + channel + "-2\",\"type\":\"c\"}]}");
        assertEquals(201, r.statusCode());
        JsonArray events = Api.json(r).getJsonArray("events");
        assertEquals(3, events.size());
        assertEquals("a", events.getJsonObject(0).getString("type"));
        assertEquals(1, events.getJsonObject(0).getInt("seq"));
        assertEquals(2, events.getJsonObject(1).getInt("seq"));
        assertEquals(1, events.getJsonObject(2).getInt("seq"));
    }

    @Test
    void aBatchWithOneBadEventCreatesNothing() {
        HttpResponse<String> r = api.post("api/events/batch", "[{\"channel\":\"" + channel + "\",\"type\":\"a\"},{\"channel\":\"" + channel + "\"}]");
        assertProblem(r, 400, "events[1].type");
        assertEquals(0, Api.json(api.get("api/events?channel=" + channel)).getJsonArray("events").size());
    }

    @Test
    void refusesABatchOfMoreThanAThousand() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            body.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(channel).append("\",\"type\":\"t\"}");
        }
        assertProblem(api.post("api/events/batch", body.append("]").toString()), 400, "events");
    }

    @Test
    void pagesWithTheSeqCursor() {
        for (int i = 0; i < 5; i++) {
            api.create(channel, "t" + i);
        }
        JsonObject first = Api.json(api.get("api/events?channel=" + channel + "&limit=2"));
        assertEquals(2, first.getJsonArray("events").size());
        assertEquals(2, first.getJsonNumber("next").longValue());
        JsonObject second = Api.json(api.get("api/events?channel=" + channel + "&limit=2&after=2"));
        assertEquals(3, second.getJsonArray("events").getJsonObject(0).getInt("seq"));
        assertEquals(4, second.getJsonNumber("next").longValue());
        JsonObject last = Api.json(api.get("api/events?channel=" + channel + "&limit=2&after=4"));
        assertEquals(1, last.getJsonArray("events").size());
        assertTrue(last.isNull("next"));
    }

    @Test
    void listsAcrossChannelsOldestFirst() {
        api.create(channel, "a");
        api.post("api/events", "{\"channel\":\"" + channel + "-other\",\"type\":\"b\",\"status\":\"failed\"}");
        for (String query : List.of("api/events?limit=1000", "api/events?status=failed&limit=1000")) {
            JsonArray events = Api.json(api.get(query)).getJsonArray("events");
            assertFalse(events.isEmpty(), query);
            for (int i = 1; i < events.size(); i++) {
                JsonObject before = events.getJsonObject(i - 1);
                JsonObject after = events.getJsonObject(i);
                int byTime = Instant.parse(before.getString("created_at")).compareTo(Instant.parse(after.getString("created_at")));
                assertTrue(byTime < 0 || byTime == 0 && before.getString("id").compareTo(after.getString("id")) < 0,
                        query + ": " + before + " listed before " + after);
            }
        }
    }

    @Test
    void filtersByStatus() {
        api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"a\",\"status\":\"failed\"}");
        api.create(channel, "b");
        JsonArray failed = Api.json(api.get("api/events?channel=" + channel + "&status=failed")).getJsonArray("events");
        assertEquals(1, failed.size());
        assertEquals("a", failed.getJsonObject(0).getString("type"));
    }

    @Test
    void patchChangesStatusAndPayloadAndTakesANewSeq() {
        JsonObject e = api.create(channel, "a");
        HttpResponse<String> r = api.patch("api/events/" + e.getString("id"), "{\"status\":\"delivered\",\"payload\":{\"ok\":true}}");
        assertEquals(200, r.statusCode());
        JsonObject changed = Api.json(r);
        assertEquals("delivered", changed.getString("status"));
        assertTrue(changed.getJsonObject("payload").getBoolean("ok"));
        assertEquals(2, changed.getInt("seq"));
        assertEquals(e.getString("created_at"), changed.getString("created_at"));
    }

    @Test
    void deleteRemovesTheEvent() {
        JsonObject e = api.create(channel, "a");
        assertEquals(204, api.delete("api/events/" + e.getString("id")).statusCode());
        assertProblem(api.get("api/events/" + e.getString("id")), 404, e.getString("id"));
        assertProblem(api.delete("api/events/" + e.getString("id")), 404, e.getString("id"));
    }

    @Test
    void unknownIdsAre404Problems() {
        assertProblem(api.get("api/events/nope"), 404, "nope");
        assertProblem(api.patch("api/events/nope", "{\"status\":\"failed\"}"), 404, "nope");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{bad json                                  | JSON",
            "[]                                         | JSON object",
            "{\"channel\":\"x\"}                        | type",
            "{\"type\":\"\"}                            | type",
            "{\"type\":7}                               | type",
            "{\"type\":\"t\",\"channel\":\"Bad Name\"}  | channel",
            "{\"type\":\"t\",\"status\":\"Done!\"}      | status",
            "{\"type\":\"t\",\"payload\":[1]}           | payload"})
    void refusesBadInputNamingTheField(String body, String field) {
        assertProblem(api.post("api/events", body), 400, field);
    }

    @Test
    void refusesAnEmptyBody() {
        assertProblem(api.post("api/events", ""), 400, "empty");
    }

    @Test
    void refusesAPayloadOver64KiBWith413() {
        String big = "x".repeat(64 * 1024);
        assertProblem(api.post("api/events", "{\"type\":\"t\",\"payload\":{\"b\":\"" + big + "\"}}"), 413, "payload");
    }

    @Test
    void refusesBadQueryParameters() {
        assertProblem(api.get("api/events?limit=0"), 400, "limit");
        assertProblem(api.get("api/events?limit=1001"), 400, "limit");
        assertProblem(api.get("api/events?channel=" + channel + "&after=-1"), 400, "after");
        assertProblem(api.get("api/events?after=3"), 400, "channel");
        assertProblem(api.patch("api/events/x", "{}"), 400, "status");
    }

    @Test
    void anIdempotentRetryGetsTheFirstAnswerAndCreatesNothing() {
        String key = UUID.randomUUID().toString();
        String body = "{\"channel\":\"" + channel + "\",\"type\":\"once\"}";
        HttpResponse<String> first = api.post("api/events", body, "Idempotency-Key", key);
        HttpResponse<String> again = api.post("api/events", body, "Idempotency-Key", key);
        assertEquals(201, again.statusCode());
        assertEquals(first.body(), again.body());
        assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
        assertEquals(1, Api.json(api.get("api/events?channel=" + channel)).getJsonArray("events").size());
        HttpResponse<String> otherKey = api.post("api/events", body, "Idempotency-Key", key + "-2");
        assertNotEquals(Api.json(first).getString("id"), Api.json(otherKey).getString("id"));
    }

    @Test
    void anIdempotentBatchRetryCreatesNothing() {
        String key = UUID.randomUUID().toString();
        String body = "[{\"channel\":\"" + channel + "\",\"type\":\"a\"},{\"channel\":\"" + channel + "\",\"type\":\"b\"}]";
        assertEquals(api.post("api/events/batch", body, "Idempotency-Key", key).body(),
                api.post("api/events/batch", body, "Idempotency-Key", key).body());
        assertEquals(2, Api.json(api.get("api/events?channel=" + channel)).getJsonArray("events").size());
    }

    @Test
    void concurrentPostsOfOneKeyCreateOneEventAndAllGetItsAnswer() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"channel\":\"" + channel + "\",\"type\":\"raced\"}";
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 32; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> api.post("api/events", body, "Idempotency-Key", key), pool));
            }
            String first = answers.get(0).get(30, TimeUnit.SECONDS).body();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
                assertEquals(201, r.statusCode(), r.body());
                assertEquals(first, r.body());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, Api.json(api.get("api/events?channel=" + channel)).getJsonArray("events").size());
    }

    @Test
    void concurrentPostsTakeEverySeqOnceWhileEachAnswerIsItsOwnEvent() throws Exception {
        List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 200; i++) {
                String type = "t" + i;
                answers.add(CompletableFuture.supplyAsync(() -> api.create(channel, type), pool));
            }
            Set<Long> seqs = new HashSet<>();
            for (int i = 0; i < answers.size(); i++) {
                JsonObject e = answers.get(i).get(30, TimeUnit.SECONDS);
                assertEquals("t" + i, e.getString("type"));
                assertEquals(e, Api.json(api.get("api/events/" + e.getString("id"))));
                seqs.add(e.getJsonNumber("seq").longValue());
            }
            assertEquals(LongStream.rangeClosed(1, 200).boxed().collect(Collectors.toSet()), seqs);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void snapshotHasMetricsCursorsAndNewestEvents() {
        JsonObject e = api.create(channel, "snap");
        JsonObject snapshot = Api.json(api.get("api/snapshot"));
        assertEquals(1, snapshot.getJsonObject("channels").getInt(channel));
        assertEquals(e.getString("id"), snapshot.getJsonArray("events").getJsonObject(0).getString("id"));
        assertTrue(snapshot.getJsonObject("metrics").getInt("total_events") >= 1);
    }

    @Test
    void metricsCountTheStore() {
        JsonObject before = Api.json(api.get("api/metrics"));
        api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"a\",\"status\":\"failed\"}");
        api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"b\",\"status\":\"delivered\"}");
        JsonObject after = Api.json(api.get("api/metrics"));
        assertEquals(before.getInt("total_events") + 2, after.getInt("total_events"));
        assertEquals(before.getInt("failed_events") + 1, after.getInt("failed_events"));
        assertEquals(before.getInt("delivered_events") + 1, after.getInt("delivered_events"));
        for (String field : new String[]{"pending_events", "events_per_second", "connections", "subscriptions",
                "messages_sent", "messages_dropped", "nodes"}) {
            assertTrue(after.containsKey(field), field);
        }
    }

    @Test
    void metricsFollowStatusChangesAndDeletes() {
        JsonObject e = api.create(channel, "moving");
        JsonObject created = Api.json(api.get("api/metrics"));

        assertEquals(200, api.patch("api/events/" + e.getString("id"), "{\"status\":\"delivered\"}").statusCode());
        JsonObject delivered = Api.json(api.get("api/metrics"));
        assertEquals(created.getInt("pending_events") - 1, delivered.getInt("pending_events"));
        assertEquals(created.getInt("delivered_events") + 1, delivered.getInt("delivered_events"));
        assertEquals(created.getInt("total_events"), delivered.getInt("total_events"));

        assertEquals(200, api.patch("api/events/" + e.getString("id"), "{\"payload\":{\"again\":true}}").statusCode());
        assertEquals(counts(delivered), counts(Api.json(api.get("api/metrics"))), "a change without a new status moves nothing");

        assertEquals(200, api.patch("api/events/" + e.getString("id"), "{\"status\":\"archived\"}").statusCode());
        JsonObject archived = Api.json(api.get("api/metrics"));
        assertEquals(delivered.getInt("delivered_events") - 1, archived.getInt("delivered_events"));
        assertEquals(delivered.getInt("total_events"), archived.getInt("total_events"), "any other status counts in the total");

        assertEquals(204, api.delete("api/events/" + e.getString("id")).statusCode());
        JsonObject deleted = Api.json(api.get("api/metrics"));
        assertEquals(archived.getInt("total_events") - 1, deleted.getInt("total_events"));
        assertEquals(archived.getInt("pending_events"), deleted.getInt("pending_events"));

        String batch = "{\"events\":[{\"channel\":\"" + channel + "\",\"type\":\"a\"},{\"channel\":\"" + channel
                + "\",\"type\":\"b\",\"status\":\"failed\"},{\"channel\":\"" + channel + "\",\"type\":\"c\"}]}";
        assertEquals(201, api.post("api/events/batch", batch).statusCode());
        JsonObject batched = Api.json(api.get("api/metrics"));
        assertEquals(deleted.getInt("total_events") + 3, batched.getInt("total_events"));
        assertEquals(deleted.getInt("pending_events") + 2, batched.getInt("pending_events"));
        assertEquals(deleted.getInt("failed_events") + 1, batched.getInt("failed_events"));
    }

    /** The store's counts of a metrics object, without the figures that move on their own. */
    private static JsonObject counts(JsonObject metrics) {
        return Json.createObjectBuilder().add("total_events", metrics.get("total_events"))
                .add("pending_events", metrics.get("pending_events")).add("delivered_events", metrics.get("delivered_events"))
                .add("failed_events", metrics.get("failed_events")).build();
    }

    static void assertProblem(HttpResponse<String> r, int status, String mentioned) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        JsonObject problem = Api.json(r);
        assertEquals(status, problem.getInt("status"));
        assertFalse(problem.getString("title").isBlank());
        assertTrue(problem.getString("detail").contains(mentioned), problem.getString("detail"));
        assertFalse(r.body().contains("Exception"), r.body());
    }
}

package io.livehub.events.boundary;

import io.livehub.support.Api;
import io.livehub.support.ServerProcess;
import io.livehub.support.StoreCheck;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two nodes on one PostgreSQL (each {@code --nocluster}: only the store is shared) write the same
 * two channels at once: single POSTs and batches across both channels through each node's group
 * commit, PATCHes through JPA. Every seq of each channel is taken exactly once, with no gap, and
 * each node reads what the other wrote.
 */
@ExtendWith(StoreCheck.class)
class SharedStoreIT {

    static final int THREADS_PER_NODE = 8;
    static final int ROUNDS = 60;

    @Test
    void twoNodesWritingTheSameChannelsTakeEachSeqOnceWithNoGap() throws Exception {
        assumeTrue("postgresql".equals(System.getProperty("livehub.test.store")), "two nodes share PostgreSQL only");
        List<String> config = new ArrayList<>(List.of(
                "livehub.db.url=" + System.getProperty("livehub.test.db.url"),
                "livehub.db.user=" + System.getProperty("livehub.test.db.user"),
                "livehub.db.password=" + System.getProperty("livehub.test.db.password", "")));
        config.addAll(List.of(TestTokens.serverProperties()));
        CompletableFuture<ServerProcess> one = CompletableFuture.supplyAsync(() -> started("shared-store-1", config));
        CompletableFuture<ServerProcess> two = CompletableFuture.supplyAsync(() -> started("shared-store-2", config));
        try {
            CompletableFuture.allOf(one, two).get(200, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException notBoth) {
            one.thenAccept(SharedStoreIT::stopQuietly);
            two.thenAccept(SharedStoreIT::stopQuietly);
            throw notBoth;
        }
        try (ServerProcess first = one.join(); ServerProcess second = two.join()) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> channels = List.of("shared-a-" + run, "shared-b-" + run);
            List<Api> nodes = List.of(new Api(first.base().toURL()), new Api(second.base().toURL()));
            Map<String, List<Long>> seqs = new ConcurrentHashMap<>();
            channels.forEach(c -> seqs.put(c, Collections.synchronizedList(new ArrayList<>())));

            ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
            try {
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
                    Api node = nodes.get(t % 2);
                    int writer = t;
                    writers.add(CompletableFuture.runAsync(() -> write(node, writer, channels, seqs), pool));
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }

            for (String channel : channels) {
                List<Long> taken = seqs.get(channel);
                assertEquals(LongStream.rangeClosed(1, taken.size()).boxed().collect(Collectors.toList()),
                        taken.stream().sorted().collect(Collectors.toList()),
                        "every seq of " + channel + " taken once, none skipped");
                for (Api node : nodes) {
                    JsonObject page = Api.json(node.get("api/events?channel=" + channel + "&after=" + (taken.size() - 1)));
                    assertEquals(1, page.getJsonArray("events").size(), page.toString());
                    assertEquals(taken.size(), page.getJsonArray("events").getJsonObject(0).getInt("seq"),
                            "each node reads the last seq");
                }
            }
        }
    }

    /** One writer's rounds: mostly single POSTs, a batch across both channels every 7th, a PATCH of its own every 5th. */
    private static void write(Api node, int writer, List<String> channels, Map<String, List<Long>> seqs) {
        List<String> mine = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String channel = channels.get((writer + round) % 2);
            if (round % 5 == 4 && !mine.isEmpty()) {
                HttpResponse<String> r = node.patch("api/events/" + mine.get(round % mine.size()), "{\"status\":\"delivered\"}");
                assertEquals(200, r.statusCode(), r.body());
                taken(Api.json(r), seqs);
            } else if (round % 7 == 3) {
                HttpResponse<String> r = node.post("api/events/batch", "{\"events\":[" + event(channels.get(0), writer, round)
                        + "," + event(channels.get(1), writer, round) + "," + event(channels.get(0), writer, round) + "]}");
                assertEquals(201, r.statusCode(), r.body());
                for (JsonValue e : Api.json(r).getJsonArray("events")) {
                    taken(e.asJsonObject(), seqs);
                }
            } else {
                HttpResponse<String> r = node.post("api/events", event(channel, writer, round));
                assertEquals(201, r.statusCode(), r.body());
                JsonObject created = Api.json(r);
                taken(created, seqs);
                mine.add(created.getString("id"));
            }
        }
    }

    private static String event(String channel, int writer, int round) {
        return "{\"channel\":\"" + channel + "\",\"type\":\"w" + writer + "-r" + round + "\",\"status\":\"pending\"}";
    }

    private static void taken(JsonObject event, Map<String, List<Long>> seqs) {
        seqs.get(event.getString("channel")).add(event.getJsonNumber("seq").longValue());
    }

    /** A node with a data directory and log of its own. */
    private static ServerProcess started(String name, List<String> config) {
        try {
            ServerProcess.Place place = ServerProcess.place(name);
            List<String> own = new ArrayList<>(config);
            own.add("livehub.data.dir=" + place.dataDir());
            return new ServerProcess(place.log(), own.toArray(String[]::new)).start();
        } catch (Exception e) {
            throw new IllegalStateException("node " + name + " did not start", e);
        }
    }

    private static void stopQuietly(ServerProcess node) {
        try {
            node.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

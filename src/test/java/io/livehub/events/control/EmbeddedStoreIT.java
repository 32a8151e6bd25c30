package io.livehub.events.control;

import io.livehub.support.Api;
import io.livehub.support.LiveClient;
import io.livehub.support.ServerProcess;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-configuration default: an embedded database under {@code livehub.data.dir} that
 * serves REST and WebSocket and keeps every acknowledged event across a hard kill.
 */
class EmbeddedStoreIT {

    @Test
    void keepsEveryAcknowledgedEventAcrossAKill() throws Exception {
        Path target = Path.of(System.getProperty("livehub.war", "target/livehub.war")).toAbsolutePath().getParent();
        Path dataDir = Files.createTempDirectory(target, "embedded-store-");
        Path log = target.resolve("embedded-store-it.log");
        String[] config = {"livehub.data.dir=" + dataDir, TestTokens.serverProperties()[0], TestTokens.serverProperties()[1]};
        JsonObject created;
        try (ServerProcess server = new ServerProcess(log, config).start()) {
            Api api = new Api(server.base().toURL());
            try (LiveClient client = LiveClient.connect(server.base(), "channels=events")) {
                client.next("subscribed");
                created = api.create("events", "before.kill");
                JsonObject message = client.next("event_created");
                assertEquals(created, message.getJsonObject("data"));
            }
            for (int i = 0; i < 20; i++) {
                api.create("events", "burst");
            }
            server.kill();
        }
        assertTrue(Files.isDirectory(dataDir) && Files.list(dataDir).findAny().isPresent(), "the store is in " + dataDir);

        try (ServerProcess server = new ServerProcess(log, config).start()) {
            Api api = new Api(server.base().toURL());
            assertEquals(created, Api.json(api.get("api/events/" + created.getString("id"))));
            assertEquals(21, Api.json(api.get("api/events?channel=events")).getJsonArray("events").size());
            assertEquals(22, api.create("events", "after.restart").getInt("seq"), "seqs go on where they stopped");
            try (LiveClient client = LiveClient.connect(server.base(), null)) {
                client.send("{\"type\":\"subscribe\",\"channel\":\"events\",\"since\":20}");
                assertTrue(client.next().getBoolean("recovered"));
                assertEquals(21, client.next().getInt("seq"));
                assertEquals(22, client.next().getInt("seq"));
            }
        }
    }
}

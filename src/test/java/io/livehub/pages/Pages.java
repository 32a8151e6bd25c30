package io.livehub.pages;

import io.livehub.support.ServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What the page tests share: the target folder, a server on PostgreSQL in open mode, channel names. */
final class Pages {

    static final Path TARGET = Path.of(System.getProperty("livehub.war", "target/livehub.war")).toAbsolutePath().getParent();
    static final Path SCREENSHOTS = TARGET.resolve("screenshots");

    private Pages() {
    }

    /**
     * Livehub on the test PostgreSQL (or, in a run that names none, on the embedded store),
     * metrics every 500 ms, authentication off: these tests are about the pages, whatever the
     * security settings of the day. {@code settings}: more, as {@code key=value}.
     */
    static ServerProcess server(String name, String... settings) throws IOException {
        Path data = Files.createDirectories(TARGET.resolve("it-data")).resolve("pages-" + name);
        List<String> config = new ArrayList<>(List.of("livehub.data.dir=" + data, "livehub.metrics.interval=500",
                "livehub.auth.mode=open"));
        String db = System.getProperty("livehub.test.db.url");
        if (db != null) {
            config.addAll(List.of("livehub.db.url=" + db,
                    "livehub.db.user=" + System.getProperty("livehub.test.db.user", ""),
                    "livehub.db.password=" + System.getProperty("livehub.test.db.password", "")));
        }
        config.addAll(List.of(settings));
        return new ServerProcess(TARGET.resolve("pages-" + name + "-it.log"), config.toArray(String[]::new));
    }

    /** A channel no other test (or other run on the same database) writes to. */
    static String channel(String purpose) {
        return "e2e-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

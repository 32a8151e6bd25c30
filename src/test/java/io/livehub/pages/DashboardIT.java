package io.livehub.pages;

import io.livehub.support.Api;
import io.livehub.support.ServerProcess;
import io.livehub.support.TestTokens;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live dashboard at {@code /} in headless Chromium against a real server on PostgreSQL. */
class DashboardIT {

    static ServerProcess server;
    static Browser browser;
    static Api api;

    String channel;

    @BeforeAll
    static void start() throws Exception {
        server = Pages.server("dashboard").start();
        api = new Api(server.base().toURL(), null); // open mode: no token
        browser = new Browser(Pages.TARGET, "dashboard");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newChannel(TestInfo test) {
        channel = Pages.channel(test.getTestMethod().orElseThrow().getName().substring(0, 6).toLowerCase());
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        browser.screenshot(Pages.SCREENSHOTS.resolve("dashboard-" + test.getTestMethod().orElseThrow().getName() + ".png"));
        browser.saveConsole();
    }

    /**
     * This server runs with livehub.auth.mode=open: it must say so loudly, need no token, and
     * ignore one: a token it cannot verify (a stale one a client kept) is not refused, since the
     * container's MP-JWT mechanism is not installed at all.
     */
    @Test
    void openModeIsAnnouncedLoudlyAndNeedsNoToken() throws Exception {
        String log = java.nio.file.Files.readString(Pages.TARGET.resolve("pages-dashboard-it.log"));
        assertTrue(log.contains("WARNING") && log.contains("AUTHENTICATION IS OFF (livehub.auth.mode=open)"), "the start-up log warns");
        assertTrue(log.contains("the container's MP-JWT authentication is not installed"), "the start-up log says why a token is ignored");
        String event = "{\"channel\":\"" + channel + "\",\"type\":\"open\"}";
        assertEquals(201, api.post("api/events", event).statusCode());
        Api foreign = new Api(server.base().toURL(), TestTokens.forged("someone", List.of("subscriber")));
        HttpResponse<String> answer = foreign.post("api/events", event);
        assertEquals(201, answer.statusCode(), answer.body());
    }

    @Test
    void showsLiveAndAPostedEventWithinASecond() {
        DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        assertEquals("Live", page.label());

        double sent = now();
        JsonObject event = create(channel, "order.placed", "pending");
        double latency = page.awaitRow(event.getString("id"), Browser.WAIT) - sent;

        assertTrue(latency < 1000, "the row appeared " + Math.round(latency) + " ms after the POST");
        WebElement row = page.row(event.getString("id"));
        assertEquals(channel, row.findElement(By.className("chip")).getText());
        assertEquals("order.placed", row.findElements(By.tagName("td")).get(2).getText());
        assertEquals("pending", row.findElement(By.className("badge")).getText());
    }

    @Test
    void showsRowsAMedianOfWellUnderASecondAfterThePost() {
        DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        create(channel, "warm.up", "pending");
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double sent = now();
            String id = create(channel, "latency.probe", "delivered").getString("id");
            latencies.add(page.awaitRow(id, Browser.WAIT) - sent);
        }
        List<Double> sorted = latencies.stream().sorted().toList();
        double median = (sorted.get(9) + sorted.get(10)) / 2;
        System.out.printf("POST -> row in the browser, 20 events: median %.1f ms, min %.1f ms, max %.1f ms%n",
                median, sorted.get(0), sorted.get(19));
        assertTrue(median < 1000, "median " + median + " ms");
    }

    @Test
    void appliesUpdatesAndDeletesInPlace() {
        DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        String kept = create(channel, "invoice.sent", "pending").getString("id");
        String changed = create(channel, "payment.captured", "pending").getString("id");
        String deleted = create(channel, "draft.saved", "pending").getString("id");
        page.row(deleted);

        assertEquals(200, api.patch("api/events/" + changed, "{\"status\":\"failed\"}").statusCode());
        browser.await("the changed row to show failed", d -> "failed".equals(page.row(changed).getAttribute("data-status")));
        assertEquals(1, page.rowCount(changed));
        assertEquals("failed", page.row(changed).findElement(By.className("badge")).getText());

        assertEquals(204, api.delete("api/events/" + deleted).statusCode());
        page.awaitNoRow(deleted);
        assertEquals(1, page.rowCount(kept));

        page.filter(channel, "failed");
        assertTrue(page.row(changed).isDisplayed());
        assertFalse(page.row(kept).isDisplayed(), "a pending row is hidden by the failed filter");
        page.filter("", "");
        assertTrue(page.row(kept).isDisplayed());
    }

    @Test
    void resumesAfterARestartWithEveryEventExactlyOnce() throws Exception {
        DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        String before = create(channel, "before.restart", "delivered").getString("id");
        page.row(before);

        server.stop(); // SIGTERM: the server closes every connection with 1012 and exits
        browser.await(Duration.ofSeconds(30), "the pill to show Reconnecting",
                d -> page.stateHistory().stream().anyMatch(s -> s.matches("reconnecting\\|Reconnecting( in \\d+s|…)")));
        assertFalse(page.state().equals("live"));

        server.start();
        String stateWhilePosting = page.state();
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(create(channel, "after.restart." + i, "pending").getString("id"));
        }
        page.awaitState("live", Duration.ofSeconds(60));
        // seqs of a channel arrive in order: once this one is shown, every earlier one has been handled
        String sentinel = create(channel, "sentinel", "delivered").getString("id");
        page.row(sentinel);

        for (String id : during) {
            assertEquals(1, page.rowCount(id), "event " + id + " posted while the page was " + stateWhilePosting);
        }
        assertEquals(1, page.rowCount(before));
        System.out.println("Events posted while the pill showed '" + stateWhilePosting + "'; pill states across the restart: "
                + page.stateHistory().stream()
                .map(s -> s.replaceAll(" in \\d+s", " in Ns")).distinct().toList());
    }

    @Test
    void pollsWhenWebSocketsAreBlocked() throws Exception {
        try (AutoCloseable blocked = browser.blockWebSockets()) {
            DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("polling", Duration.ofSeconds(30));
            assertEquals("Polling", page.label());

            String id = create(channel, "polled.event", "pending").getString("id");
            page.awaitRow(id, Browser.WAIT);
            assertEquals(1, page.rowCount(id));
            assertEquals("polling", page.state(), "handshakes still fail, so the page still polls");
        }
    }

    @Test
    void fillsTheCardsAndTheChartFromTheMetrics() throws Exception {
        DashboardPage page = DashboardPage.open(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        String[] types = {"order.placed", "payment.captured", "invoice.sent", "shipment.created", "email.bounced"};
        String[] statuses = {"pending", "delivered", "delivered", "failed", "pending", "delivered"};
        String last = null;
        for (int i = 0; i < 24; i++) {
            String payload = "{\"order\":" + (4711 + i) + ",\"amount\":" + (19.9 + i * 3) + ",\"currency\":\"EUR\"}";
            last = created(api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"" + types[i % types.length]
                    + "\",\"status\":\"" + statuses[i % statuses.length] + "\",\"payload\":" + payload + "}")).getString("id");
            if (i % 6 == 5) {
                page.row(last); // a little pause between the bursts, so the chart has a shape
            }
        }
        page.row(last);
        browser.await("the total events card", d -> !page.card("total_events").equals("–"));
        browser.await("the chart's line", d -> page.chartHasLine());
        assertTrue(Integer.parseInt(page.card("connections")) >= 1);
        browser.screenshot(Pages.SCREENSHOTS.resolve("dashboard.png"));
    }

    private static JsonObject create(String channel, String type, String status) {
        return created(api.post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"" + type + "\",\"status\":\"" + status + "\"}"));
    }

    private static JsonObject created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
        return Api.json(response);
    }

    private static double now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
    }
}

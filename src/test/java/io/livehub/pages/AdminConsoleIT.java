package io.livehub.pages;

import io.livehub.support.Api;
import io.livehub.support.RawSocket;
import io.livehub.support.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin console at {@code /admin/} beside a dashboard, in headless Chromium against a real server. */
class AdminConsoleIT {

    /** How long a page that must not reconnect is watched: several first backoff windows (0.5-1 s). */
    static final Duration STAYS_OFFLINE = Duration.ofSeconds(4);

    static ServerProcess server;
    static Browser browser;
    static Api api;
    static String home;

    String channel;
    DashboardPage dashboard;
    AdminPage admin;

    @BeforeAll
    static void start() throws Exception {
        // a connection may leave 2 MiB unread: one that lags is easy to make (catchingUp...)
        server = Pages.server("admin", "livehub.ws.queue.max-bytes=2097152").start();
        api = new Api(server.base().toURL(), null); // open mode: no token
        browser = new Browser(Pages.TARGET, "admin");
        home = browser.driver.getWindowHandle();
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
    void openBoth() {
        channel = Pages.channel("admin");
        dashboard = DashboardPage.openWindow(browser, server.base(), channel).awaitState("live", Browser.WAIT);
        admin = AdminPage.openWindow(browser, server.base());
    }

    @AfterEach
    void closeBoth(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName();
        browser.screenshot(Pages.SCREENSHOTS.resolve("admin-" + name + ".png"));
        dashboard.focus();
        browser.screenshot(Pages.SCREENSHOTS.resolve("admin-" + name + "-dashboard.png"));
        browser.saveConsole();
        browser.closeOthers(home);
    }

    @Test
    void listsTheDashboardsConnectionAndClosesItForGood() {
        WebElement row = admin.focus().connectionOf(channel);
        assertTrue(row.getAttribute("data-channels").contains("events"), "the dashboard also follows 'events'");
        String remote = row.findElements(By.tagName("td")).get(2).getText();
        assertTrue(remote.contains("127.0.0.1"), "remote address " + remote);
        admin.channel(channel, "1");

        admin.closeConnectionOf(channel);

        dashboard.focus().awaitState("offline", Browser.WAIT);
        assertEquals("Offline", dashboard.label());
        assertEquals("closed by an administrator", dashboard.detail());
        assertThrows(TimeoutException.class, () -> browser.await(STAYS_OFFLINE, "a reconnect",
                d -> !"offline".equals(dashboard.state())), "4500 means: do not reconnect on your own");
        assertTrue(browser.driver.findElement(By.id("retry")).isDisplayed(), "the user can reconnect by hand");

        admin.focus();
        browser.await("the closed connection to leave the table", d -> !admin.listsConnectionOf(channel));
        assertFalse(api.get("api/admin/connections").body().contains(channel), "nothing reconnected");
    }

    @Test
    void broadcastsAnAnnouncementToTheDashboard() throws Exception {
        admin.focus().connectionOf(channel);
        String message = "Maintenance at 22:00 UTC: expect one short reconnect (" + UUID.randomUUID().toString().substring(0, 6) + ")";

        String result = admin.announce(message, "warning");

        assertTrue(result.matches("Sent to \\d+ connections?"), result);
        browser.screenshot(Pages.SCREENSHOTS.resolve("admin.png"));
        dashboard.focus();
        browser.await("the announcement on the dashboard", d -> message.equals(dashboard.banner("warning")));
        browser.screenshot(Pages.SCREENSHOTS.resolve("dashboard-announcement.png"));
    }

    @Test
    void marksAConnectionThatIsCatchingUpUntilItHasCaughtUp() throws Exception {
        String lagging = Pages.channel("lagging");
        try (RawSocket client = RawSocket.connect(server.base(), "channels=" + lagging, 4096)) {
            assertTrue(client.nextMessage().contains("subscribed"));
            admin.focus().connectionOf(lagging);
            assertFalse(admin.catchingUp(lagging), "a connection that reads is not marked");

            // while it reads nothing: 3 MB, beyond three quarters of the 2 MiB it may leave unread
            String payload = "{\"blob\":\"" + "x".repeat(60_000) + "\"}";
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"channel\":\"").append(lagging)
                        .append("\",\"type\":\"deploy\",\"payload\":").append(payload).append("}");
            }
            assertEquals(201, api.post("api/events/batch", batch.append("]").toString()).statusCode());
            browser.await("the console to mark the lagging connection", d -> Boolean.TRUE.equals(admin.catchingUp(lagging)));
            browser.screenshot(Pages.SCREENSHOTS.resolve("admin-catching-up.png"));
            String title = browser.driver.findElement(By.cssSelector("#connections tr[data-channels*='" + lagging + "'] .catching-up"))
                    .getAttribute("title");
            assertTrue(title.startsWith("1 of its subscriptions is sent what waits for them"), title);

            assertEquals(50, client.readEvents(0, 50), "every event, in order");
            browser.await("the mark to go once it has caught up", d -> Boolean.FALSE.equals(admin.catchingUp(lagging)));
        }
    }

    @Test
    void showsNodeAndJvmFigures() {
        admin.focus();
        browser.await("the JVM line", d -> !admin.fact("jvm").equals("–"));
        assertTrue(admin.fact("heap").matches(".+ of .+ \\(\\d+%\\)"), admin.fact("heap"));
        assertTrue(Integer.parseInt(admin.fact("threads").replace(",", "")) > 0);
    }
}

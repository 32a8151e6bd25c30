package io.livehub.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The dashboard at {@code /} as a test sees it, with a recorder of rows and pill states installed. */
final class DashboardPage {

    /**
     * Records when each row enters the table (a MutationObserver, so the time is that of the DOM
     * change, not of a poll by the test) and every state and label the pill shows.
     */
    private static final String RECORDER = """
            if (!window.__e2e) {
              const e2e = window.__e2e = { rows: {}, states: [] };
              new MutationObserver((records) => {
                const t = performance.timeOrigin + performance.now();
                for (const r of records) for (const n of r.addedNodes) {
                  const id = n.dataset && n.dataset.id;
                  if (id && !(id in e2e.rows)) e2e.rows[id] = t;
                }
              }).observe(document.querySelector('#events tbody'), { childList: true });
              const pill = document.getElementById('connection-state');
              const record = () => {
                const s = pill.dataset.state + '|' + pill.textContent;
                if (e2e.states[e2e.states.length - 1] !== s) e2e.states.push(s);
              };
              record();
              new MutationObserver(record).observe(pill, { attributes: true, childList: true, subtree: true, characterData: true });
            }""";

    private final Browser browser;
    final String window;

    private DashboardPage(Browser browser) {
        this.browser = browser;
        this.window = browser.driver.getWindowHandle();
        browser.await("the connection pill", d -> !d.findElements(By.id("connection-state")).isEmpty());
        browser.script(RECORDER);
    }

    /** Opens the dashboard in the current window, showing {@code channel} besides {@code events}. */
    static DashboardPage open(Browser browser, URI base, String channel) {
        browser.driver.get(base + "?channels=" + channel);
        return new DashboardPage(browser);
    }

    /** Opens the dashboard in a new window. */
    static DashboardPage openWindow(Browser browser, URI base, String channel) {
        browser.openWindow(base + "?channels=" + channel);
        return new DashboardPage(browser);
    }

    DashboardPage focus() {
        browser.driver.switchTo().window(window);
        return this;
    }

    String state() {
        return pill().getAttribute("data-state");
    }

    String label() {
        return pill().findElement(By.className("pill-label")).getText();
    }

    String detail() {
        return browser.driver.findElement(By.className("pill-detail")).getText();
    }

    DashboardPage awaitState(String state, Duration timeout) {
        browser.await(timeout, "the pill to show " + state, d -> state.equals(state()));
        return this;
    }

    /** Every "state|label" the pill showed since the page was opened, in order. */
    @SuppressWarnings("unchecked")
    List<String> stateHistory() {
        return (List<String>) browser.script("return window.__e2e.states.slice()");
    }

    int rowCount(String id) {
        return browser.driver.findElements(rowLocator(id)).size();
    }

    WebElement row(String id) {
        return browser.await("the row of event " + id, d -> d.findElements(rowLocator(id)).stream().findFirst().orElse(null));
    }

    /** Waits for the row of {@code id} and answers when it entered the table, in ms since the epoch. */
    double awaitRow(String id, Duration timeout) {
        return ((Number) browser.await(timeout, "the row of event " + id,
                d -> browser.script("return window.__e2e.rows[arguments[0]]", id))).doubleValue();
    }

    void awaitNoRow(String id) {
        browser.await("the row of event " + id + " to go", d -> rowCount(id) == 0);
    }

    void filter(String channel, String status) {
        new Select(browser.driver.findElement(By.id("filter-channel"))).selectByValue(channel);
        new Select(browser.driver.findElement(By.id("filter-status"))).selectByValue(status);
    }

    String card(String metric) {
        return browser.driver.findElement(By.cssSelector("[data-metric='" + metric + "'] .card-value")).getText();
    }

    /** The text of the newest banner of {@code level}, or null. */
    String banner(String level) {
        return browser.driver.findElements(By.cssSelector(".banner[data-level='" + level + "'] .banner-message"))
                .stream().findFirst().map(WebElement::getText).orElse(null);
    }

    /** Whether the chart has drawn something other than its grid: a pixel of the line's blue. */
    boolean chartHasLine() {
        return Boolean.TRUE.equals(browser.script("""
                const c = document.getElementById('rate-chart');
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 0; i < px.length; i += 4) if (px[i + 2] > 200 && px[i] < 120 && px[i + 3] > 200) return true;
                return false;"""));
    }

    private WebElement pill() {
        return browser.driver.findElement(By.id("connection-state"));
    }

    private static By rowLocator(String id) {
        return By.cssSelector("#events tbody tr[data-id='" + id + "']");
    }
}

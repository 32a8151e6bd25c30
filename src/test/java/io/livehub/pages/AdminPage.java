package io.livehub.pages;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;

/** The admin console at {@code /admin/} as a test sees it. */
final class AdminPage {

    private final Browser browser;
    final String window;

    private AdminPage(Browser browser) {
        this.browser = browser;
        this.window = browser.driver.getWindowHandle();
    }

    /** Opens the console in a new window. */
    static AdminPage openWindow(Browser browser, URI base) {
        browser.openWindow(base + "admin/");
        return new AdminPage(browser);
    }

    AdminPage focus() {
        browser.driver.switchTo().window(window);
        return this;
    }

    /** Waits until the connections table lists a connection subscribed to {@code channel}. */
    WebElement connectionOf(String channel) {
        return browser.await("a connection subscribed to " + channel + " in the table",
                d -> d.findElements(connectionLocator(channel)).stream().findFirst().orElse(null));
    }

    boolean listsConnectionOf(String channel) {
        return !browser.driver.findElements(connectionLocator(channel)).isEmpty();
    }

    /** Whether the row of the connection subscribed to {@code channel} says it is catching up; null while none is listed. */
    Boolean catchingUp(String channel) {
        return browser.driver.findElements(connectionLocator(channel)).stream().findFirst()
                .map(row -> row.findElement(By.className("catching-up")).isDisplayed()).orElse(null);
    }

    void closeConnectionOf(String channel) {
        connectionOf(channel).findElement(By.cssSelector("button.close-connection")).click();
    }

    /** Waits until the channels table lists {@code channel} with this many subscribers. */
    WebElement channel(String channel, String subscribers) {
        return browser.await(channel + " with " + subscribers + " subscriber(s) in the channels table", d -> d
                .findElements(By.cssSelector("#channels tr[data-channel='" + channel + "']")).stream()
                .filter(tr -> tr.findElements(By.tagName("td")).get(1).getText().equals(subscribers)).findFirst().orElse(null));
    }

    String fact(String name) {
        return browser.driver.findElement(By.cssSelector("[data-fact='" + name + "']")).getText();
    }

    /** Broadcasts an announcement through the form and waits for the console to confirm it. */
    String announce(String message, String level) {
        WebElement form = browser.driver.findElement(By.id("announce-form"));
        form.findElement(By.name("message")).sendKeys(message);
        new Select(form.findElement(By.name("level"))).selectByValue(level);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        return browser.await("the announcement to be sent", d -> {
            String result = form.findElement(By.className("form-result")).getText();
            return result.startsWith("Sent to") ? result : null;
        });
    }

    private static By connectionLocator(String channel) {
        return By.cssSelector("#connections tbody tr[data-channels*='" + channel + "']");
    }
}

package io.livehub.pages;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * Debian's headless Chromium driven by its chromedriver, both named explicitly so Selenium
 * Manager never looks for (or downloads) a browser. A fresh profile per instance.
 */
final class Browser implements AutoCloseable {

    /** For things that are normally fast; generous because the test machine is small and busy. */
    static final Duration WAIT = Duration.ofSeconds(15);

    private static final String CHROMIUM = System.getProperty("livehub.test.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("livehub.test.chromedriver", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path consoleLog;

    Browser(Path target, String name) throws IOException {
        Path profile = Files.createTempDirectory(target, "chromium-" + name + "-");
        consoleLog = target.resolve("pages-" + name + "-console.log");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .withLogFile(target.resolve("pages-" + name + "-chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1440,1250",
                // two windows (dashboard and admin console) both stay in the foreground
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
    }

    /** Waits until {@code condition} answers something other than null or false. */
    <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).withMessage(what).until(condition);
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(WAIT, what, condition);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** A new window (not a tab: both stay visible) showing {@code url}; returns its handle. */
    String openWindow(String url) {
        driver.switchTo().newWindow(WindowType.WINDOW);
        driver.get(url);
        return driver.getWindowHandle();
    }

    /** Closes every window but {@code keep} and switches to it. */
    void closeOthers(String keep) {
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(keep)) {
                driver.switchTo().window(handle).close();
            }
        }
        driver.switchTo().window(keep);
    }

    /**
     * Makes every WebSocket handshake of the pages opened from now on fail, as behind a proxy
     * that refuses upgrades: each socket is sent to a path where the server answers the
     * handshake with 404. (Chromium's {@code Network.setBlockedURLs} blocks HTTP requests but,
     * as tried here with Chromium 156, not WebSocket handshakes.) Closing the answer lifts it
     * for pages opened afterwards.
     */
    AutoCloseable blockWebSockets() {
        String source = """
                (() => {
                  const Real = window.WebSocket;
                  window.WebSocket = class extends Real {
                    constructor(url, protocols) {
                      const u = new URL(url, location.href);
                      u.pathname = '/no-websocket-here';
                      super(u.href, protocols);
                    }
                  };
                })();""";
        Object id = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source)).get("identifier");
        return () -> driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
    }

    Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** Appends what the pages wrote to the console (errors included) to a log beside the server's. */
    void saveConsole() {
        try {
            List<String> lines = driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
            Files.write(consoleLog, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save the browser console: " + e);
        }
    }

    @Override
    public void close() {
        saveConsole();
        driver.quit();
    }
}

package dev.nsq.it.admin;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Headless Chromium from Debian's packages, driven by Selenium without Selenium Manager (this
 * machine cannot download drivers): {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}.
 * When they are missing the test fails with the command that installs them, because CI has them.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final String base;

    Browser(String base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("headless Chromium is required for the nsqadmin browser tests but "
                    + CHROMIUM + " or " + CHROMEDRIVER + " is missing: run "
                    + "'apt-get update && apt-get install -y chromium chromium-driver'");
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, o);
        this.base = base;
    }

    void open(String path) { driver.get(base + path); }

    WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitUntil(String what, Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT).withMessage(what).ignoring(RuntimeException.class).until(d -> condition.apply(driver));
    }

    /** The text of the element, or "" when it is not on the page (yet). */
    String text(By by) {
        // live updates redraw the page: an element found may be replaced before it is read
        for (int attempt = 0; ; attempt++) {
            try {
                var found = driver.findElements(by);
                return found.isEmpty() ? "" : found.get(0).getText().trim();
            } catch (StaleElementReferenceException e) {
                if (attempt == 20) throw e;
            }
        }
    }

    /**
     * Clicks, finding the element again if a live update redrew the page in between. An element
     * named by id or by link text is found and clicked inside the page in one step, so a redraw
     * between the two (frequent on a loaded machine, where each WebDriver round trip is slow) cannot
     * intervene.
     */
    void click(By by) {
        String s = by.toString();
        if (s.startsWith("By.id: ")) {
            clickInPage(by, "var e = document.getElementById(arguments[0]);", s.substring("By.id: ".length()));
            return;
        }
        if (s.startsWith("By.linkText: ")) {
            clickInPage(by, "var e = Array.from(document.querySelectorAll('a'))"
                    + ".find(a => a.textContent.trim() === arguments[0] && a.offsetParent !== null);",
                    s.substring("By.linkText: ".length()));
            return;
        }
        new WebDriverWait(driver, WAIT).withMessage("click " + by)
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(d -> {
                    WebElement e = d.findElement(by);
                    if (!e.isDisplayed() || !e.isEnabled()) return false;
                    e.click();
                    return true;
                });
    }

    /** Runs {@code find} (which sets {@code e} from {@code arguments[0]}) and clicks e once it is shown and enabled. */
    private void clickInPage(By by, String find, String arg) {
        new WebDriverWait(driver, WAIT).withMessage("click " + by).until(d -> Boolean.TRUE.equals(
                ((JavascriptExecutor) d).executeScript(find
                        + " if (!e || e.disabled || e.offsetParent === null) return false; e.click(); return true;", arg)));
    }

    /** Saves the whole page (the window grown to its height) as target/screenshots/{name}.png. */
    void screenshot(String name) throws Exception {
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(Math.max(height + 120, 600), 2400)));
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        driver.manage().window().setSize(before);
    }

    void resize(int width, int height) { driver.manage().window().setSize(new Dimension(width, height)); }

    @Override
    public void close() { driver.quit(); }
}

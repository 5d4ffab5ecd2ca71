package dev.nsq.judge;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * nsqadmin's pages on the compose cluster in headless Chromium, driven by Selenium the way
 * nsqadmin's browser tests drive it (Debian's chromium and chromedriver, no Selenium Manager, the
 * same flags). Each page must show what the cluster holds before its screenshot is saved; a page
 * that does not within 30 s fails the run. Live updates keep a request open, so a browser that
 * waits for the network to go idle (chromium --screenshot with a time budget) would wait forever.
 * <pre>AdminPages BASE_URL OUT_DIR TOPIC CHANNEL TOPIC_NODES ALL_NODES     (node lists comma-separated)</pre>
 * The Nodes page must list ALL_NODES, Streams the topic, the topic's page its channel and TOPIC_NODES.
 */
public final class AdminPages {
    private AdminPages() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path out = Path.of(args[1]);
        String topic = args[2];
        String channel = args[3];
        List<String> topicNodes = List.of(args[4].split(","));
        List<String> nodes = List.of(args[5].split(","));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(new File("/usr/bin/chromium"));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, o);
        try {
            Files.createDirectories(out);
            page(driver, base + "/nodes", nodes, out.resolve("nsqadmin-nodes.png"));
            page(driver, base + "/", List.of(topic), out.resolve("nsqadmin-streams.png"));
            List<String> onTopicPage = new ArrayList<>(topicNodes);
            onTopicPage.add(channel);
            page(driver, base + "/topics/" + topic, onTopicPage, out.resolve("nsqadmin-topic.png"));
        } finally {
            driver.quit();
        }
        System.exit(0);
    }

    private static void page(ChromeDriver driver, String url, List<String> mustShow, Path png) throws Exception {
        driver.get(url);
        new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(url + " shows " + mustShow)
                .ignoring(StaleElementReferenceException.class) // live updates redraw the page
                .until(d -> mustShow.stream().allMatch(d.findElement(By.tagName("body")).getText()::contains));
        Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
        System.out.println("Chromium: " + url + " shows " + String.join(", ", mustShow) + " (" + png + ")");
    }
}

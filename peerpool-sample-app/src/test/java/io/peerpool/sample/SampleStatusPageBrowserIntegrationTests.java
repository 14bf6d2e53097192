package io.peerpool.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.peerpool.sample.cluster.EmbeddedCluster;
import io.peerpool.test.KitEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page in headless Chromium: write a note (the primary answers), start the background
 * load and see it on the chart, kill a replica with its button, see it DOWN in the table and the
 * kill and the DOWN marked on the chart, restart it, see it UP (in the table and on the chart). Uses the system's {@code chromium} and {@code chromedriver} (Debian packages), never a
 * downloaded browser. Leaves a screenshot in {@code target/status-page.png} (copy it to
 * {@code docs/status-page.png} to refresh the README's picture).
 */
@SampleAppIntegrationTest
class SampleStatusPageBrowserIntegrationTests {

	private static final String KILL_MARKER = "#chart .marker-kill[data-peer='replica0']";

	private static final String DOWN_MARKER = "#chart .marker-down[data-peer='replica0']";

	private static final String UP_MARKER = "#chart .marker-up[data-peer='replica0']";

	private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedCluster cluster;

	@Autowired
	LoadGenerator load;

	WebDriver browser;

	ChromeDriverService driverService;

	Path profile;

	@BeforeEach
	void openBrowser() throws IOException {
		KitEnvironment.requirePrerequisite(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"The status page test needs " + CHROMIUM + " and " + CHROMEDRIVER
						+ ": apt-get install chromium chromium-driver (.ci/install-prerequisites)");
		// Selenium Manager would look for (and download) a browser and driver: use the system's
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		System.setProperty("SE_OFFLINE", "true");
		this.profile = Files.createTempDirectory(KitEnvironment.baseDirectory(), "chromium-profile-");
		this.driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--no-first-run", "--no-default-browser-check", "--user-data-dir=" + this.profile,
				"--window-size=1280,1200");
		this.browser = new ChromeDriver(this.driverService, options);
		this.browser.manage().window().setSize(new Dimension(1280, 1200));
	}

	@AfterEach
	void closeBrowser() throws IOException {
		this.load.stop();
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.driverService != null) {
			this.driverService.stop();
		}
		if (this.profile != null) {
			org.springframework.util.FileSystemUtils.deleteRecursively(this.profile);
		}
	}

	@Test
	void killAndRestartAPeerFromTheStatusPage() throws IOException {
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		await().atMost(Duration.ofSeconds(60)).until(() -> text("#pool-main .summary").equals("3 of 3 peers up"));
		assertThat(text("#peer-main-primary .role")).isEqualTo("primary");
		assertThat(text("#peer-main-replica0 .role")).isEqualTo("replica");
		assertThat(text("#peer-main-replica0 .server")).contains("server_id=");

		addNote("written from the status page");
		await().atMost(Duration.ofSeconds(10)).until(() -> text("#note-result").startsWith("Note #"));
		assertThat(text("#last-write")).startsWith("primary (server_id ");
		await().atMost(Duration.ofSeconds(10)).until(() -> !text("#last-read").equals("\u2013"));

		this.browser.findElement(By.id("load-toggle")).click();
		// some history before the kill, for the picture
		await().atMost(Duration.ofSeconds(30)).until(() -> count("#chart .bar-ok") >= 10);
		assertThat(count("#chart .share-writes[data-peer='primary']")).as("seconds whose writes the primary served")
			.isPositive();
		// other test classes share the app and its cluster: count what their faults left on the chart
		int killsBefore = count(KILL_MARKER);
		int downsBefore = count(DOWN_MARKER);
		int upsBefore = count(UP_MARKER);

		button("main", "replica0", "kill").click();
		await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(state("main", "replica0")));
		assertThat(this.cluster.server("main", "replica0").isRunning()).isFalse();
		// the chart marks the kill (the operator's fault) and the DOWN of the pool's timeline
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count(KILL_MARKER) > killsBefore && count(DOWN_MARKER) > downsBefore);
		assertThat(attribute(KILL_MARKER, "data-label")).isEqualTo("kill replica0");
		assertThat(attribute(DOWN_MARKER, "data-label")).isEqualTo("replica0 DOWN");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> text("#peer-main-replica0 .process").equals("process killed"));
		// the server also holds audit's replica0: that pool loses it too
		await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(state("audit", "replica0")));
		// reads go on on the other replica (once the pin of the note's write, 9 s, has passed)
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
			this.browser.findElement(By.id("notes-reload")).click();
			return text("#last-read").startsWith("replica1 (server_id ");
		});
		// clicking scrolled the page: the picture starts at the top
		((JavascriptExecutor) this.browser).executeScript("window.scrollTo(0, 0)");
		screenshot(Paths.get("target/status-page.png"));

		button("main", "replica0", "restart").click();
		await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(state("main", "replica0")));
		assertThat(this.cluster.server("main", "replica0").isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> count(UP_MARKER) > upsBefore);
		await().atMost(Duration.ofSeconds(10)).until(() -> text("#pool-main .summary").equals("3 of 3 peers up"));
	}

	private void addNote(String text) {
		this.browser.findElement(By.id("note-text")).sendKeys(text);
		this.browser.findElement(By.cssSelector("#note-form button[type=submit]")).click();
	}

	private WebElement button(String pool, String peer, String action) {
		return this.browser.findElement(By.cssSelector(
				"button[data-pool='" + pool + "'][data-peer='" + peer + "'][data-action='" + action + "']"));
	}

	/** The state the page shows for a peer, or null before the page rendered it. */
	private String state(String pool, String peer) {
		try {
			return this.browser.findElement(By.id("peer-" + pool + "-" + peer)).getAttribute("data-state");
		}
		catch (NoSuchElementException | StaleElementReferenceException ex) {
			return null;
		}
	}

	private int count(String css) {
		try {
			return this.browser.findElements(By.cssSelector(css)).size();
		}
		catch (StaleElementReferenceException ex) {
			return 0;
		}
	}

	private String attribute(String css, String name) {
		return this.browser.findElement(By.cssSelector(css)).getAttribute(name);
	}

	private String text(String css) {
		try {
			return this.browser.findElement(By.cssSelector(css)).getText();
		}
		catch (NoSuchElementException | StaleElementReferenceException ex) {
			return "";
		}
	}

	private void screenshot(Path target) throws IOException {
		File file = ((ChromeDriver) this.browser).getScreenshotAs(OutputType.FILE);
		Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
	}

}

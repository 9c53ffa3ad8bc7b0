package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console's Models page in a real browser: headless chromium, driven by Selenium through the system's
 * chromedriver (both named explicitly, so Selenium Manager fetches nothing), against the distribution as a server.
 * The page shows {@code minilm} LOADED; its Unload button (after the confirmation) unloads it, which the page shows by
 * itself (it polls), and Load loads it again. Screenshots land in {@code target/screenshots/}.
 * <p>
 * Without chromium and chromedriver ({@code browser.binary}, default {@code /usr/bin/chromium};
 * {@code browser.driver}, default {@code /usr/bin/chromedriver}) the test is skipped, saying so, unless
 * {@code -Dbrowser.required=true} (as CI runs it), when their absence fails it.
 */
class WebConsoleBrowserIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theModelsPageShowsMinilmLoadedUnloadsItAndLoadsItAgain() throws Exception {
        Path browser = Path.of(System.getProperty("browser.binary", "/usr/bin/chromium"));
        Path driverBinary = Path.of(System.getProperty("browser.driver", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(browser) && Files.isExecutable(driverBinary);
        String missing = "no headless browser: " + browser + " and " + driverBinary + " must both be installed "
            + "(Debian: apt-get install chromium chromium-driver)";
        if (Boolean.getBoolean("browser.required")) {
            assertThat(present).as(missing + "; -Dbrowser.required=true makes this a failure").isTrue();
        }
        Assumptions.assumeTrue(present, missing + ": WebConsoleBrowserIT skipped (-Dbrowser.required=true fails "
            + "instead)");

        try (DistributionServer server = new DistributionServer("e2e-webconsole").start(Map.of())) {
            WebDriver driver = chromium(browser, driverBinary);
            try {
                driver.get(server.url() + "/system/console/models");
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                wait.until(ExpectedConditions.textToBe(status("minilm"), "LOADED"));
                assertThat(driver.getTitle()).contains("Models");
                assertThat(driver.findElement(row("minilm")).getText()).contains("config:minilm").contains("cpu");
                screenshot(driver, "webconsole-models-loaded.png");

                driver.findElement(action("minilm", "unload")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.textToBe(status("minilm"), "UNLOADED"));
                assertThat(DistributionServer.json(server.get("/api/v1/models/minilm")).at("/status").asText())
                    .isEqualTo("UNLOADED");
                assertThat(driver.findElement(By.id("mm-message")).getText()).contains("minilm: unloaded");
                screenshot(driver, "webconsole-models-unloaded.png");

                driver.findElement(action("minilm", "load")).click();
                wait.until(ExpectedConditions.textToBe(status("minilm"), "LOADED"));
            } catch (RuntimeException | AssertionError e) {
                screenshot(driver, "webconsole-models-failure.png");
                throw new AssertionError(e.getMessage() + "\n--- page ---\n" + driver.getPageSource()
                    + "\n--- server ---\n" + server.output(), e);
            } finally {
                driver.quit();
            }
        }
    }

    private static WebDriver chromium(Path browser, Path driverBinary) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1600,900", "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
            .usingAnyFreePort().withLogFile(new File("target/chromedriver.log")).build();
        return new ChromeDriver(service, options);
    }

    private static By row(String model) {
        return By.cssSelector("tr[data-model='" + model + "']");
    }

    private static By status(String model) {
        return By.cssSelector("tr[data-model='" + model + "'] .mm-status");
    }

    private static By action(String model, String action) {
        return By.cssSelector("button[data-model='" + model + "'][data-action='" + action + "']");
    }

    private static void screenshot(WebDriver driver, String name) {
        try {
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.createDirectories(SCREENSHOTS);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            System.err.println("no screenshot " + name + ": " + e);
        }
    }
}

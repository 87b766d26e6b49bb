package dev.vortex.testing;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One headless Chromium for all the tests of a class ({@code @RegisterExtension static final
 * SharedBrowser}): launched before the first, closed after the last.
 */
public final class SharedBrowser implements BeforeAllCallback, AfterAllCallback {
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        browser = Browser.launchIfInstalled().orElse(null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    /** The browser; without Chromium the test is skipped, or fails under {@code CI=true}. */
    public Browser get() {
        Browser.requireInstalled();
        return browser;
    }
}

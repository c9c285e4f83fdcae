package org.porthole.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.stack.launcher.LocalStack;

/**
 * A person's view: headless Chromium opens the VM list, then the console, and sees the VM's screen.
 */
class BrowserConsoleIT {
  @TempDir Path profile;

  @Test
  void showsTheVmScreenInTheBrowser() throws Exception {
    LocalStack stack = SharedStack.get();
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      ConsolePage.open(browser, stack.options().engineUrl(), stack.demoVmUuid());
      ConsolePage.assertShowsVmScreen(browser, Path.of("target/e2e-console.png"));
    } finally {
      browser.quit();
    }
  }
}

package org.porthole.e2e;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The user's browser part of the OIDC device flow, played against Keycloak's own pages: open the
 * verification URL, sign in on its form, confirm the code or grant access when asked, until
 * Keycloak says the device is signed in.
 */
final class KeycloakDeviceApproval {
  private static final Pattern FORM =
      Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
  private static final Pattern INPUT = Pattern.compile("<input[^>]*>", Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("name=\"([^\"]+)\"");
  private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
  private static final int MAX_STEPS = 6;

  private KeycloakDeviceApproval() {}

  /** Approves the device code behind {@code verificationUrl} as {@code user}. */
  static void approve(String verificationUrl, String user, String password)
      throws IOException, InterruptedException {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.ALWAYS)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> page = get(browser, verificationUrl);
    for (int step = 0; step < MAX_STEPS; step++) {
      String body = page.body();
      if (body.contains("Device Login Successful")
          || body.contains("device-login-success")
          || body.contains("You may now close this browser window")) {
        return;
      }
      Matcher form = FORM.matcher(body);
      if (!form.find()) {
        throw new AssertionError("no form on Keycloak's page " + page.uri() + ": " + body);
      }
      Map<String, String> fields = fields(form.group(2));
      if (fields.containsKey("username")) {
        fields.put("username", user);
        fields.put("password", password);
      } else if (body.contains("name=\"accept\"")) {
        fields.put("accept", "Yes");
      }
      String action = form.group(1).replace("&amp;", "&");
      page = post(browser, page.uri().resolve(action), fields);
    }
    throw new AssertionError("Keycloak did not confirm the device sign-in: " + page.body());
  }

  private static Map<String, String> fields(String form) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input = INPUT.matcher(form);
    while (input.find()) {
      Matcher name = NAME.matcher(input.group());
      if (!name.find() || input.group().contains("type=\"submit\"")) {
        continue;
      }
      Matcher value = VALUE.matcher(input.group());
      fields.put(name.group(1), value.find() ? value.group(1).replace("&amp;", "&") : "");
    }
    return fields;
  }

  private static HttpResponse<String> get(HttpClient browser, String url)
      throws IOException, InterruptedException {
    return browser.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient browser, URI url, Map<String, String> fields)
      throws IOException, InterruptedException {
    String body =
        fields.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return browser.send(
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

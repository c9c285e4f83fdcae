package org.porthole.e2e;

import java.io.IOException;
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
      Pattern.compile(
          "<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>",
          Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern INPUT =
      Pattern.compile("<input[^>]*>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME =
      Pattern.compile("name=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern VALUE =
      Pattern.compile("value=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final int MAX_STEPS = 6;

  private KeycloakDeviceApproval() {}

  /** Approves the device code behind {@code verificationUrl} as {@code user}. */
  static void approve(String verificationUrl, String user, String password)
      throws IOException, InterruptedException {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(URI.create(verificationUrl));
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
      page = browser.post(page.uri().resolve(action), fields);
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

  /**
   * Follows redirects and keeps cookies as a browser does on {@code http://localhost}: Keycloak
   * marks its cookies {@code Secure}, which browsers send to localhost over plain HTTP but the
   * JDK's cookie manager does not, so this keeps its own jar (name to value).
   */
  private static final class Browser {
    private static final int MAX_REDIRECTS = 10;
    private final HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Map<String, String> cookies = new LinkedHashMap<>();

    HttpResponse<String> get(URI url) throws IOException, InterruptedException {
      return follow(request(url).GET().build());
    }

    HttpResponse<String> post(URI url, Map<String, String> fields)
        throws IOException, InterruptedException {
      String body =
          fields.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return follow(
          request(url)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build());
    }

    private HttpRequest.Builder request(URI url) {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30));
      if (!cookies.isEmpty()) {
        b.header(
            "Cookie",
            cookies.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; ")));
      }
      return b;
    }

    private HttpResponse<String> follow(HttpRequest first)
        throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(first, HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < MAX_REDIRECTS; i++) {
        keepCookies(r);
        String location = r.headers().firstValue("Location").orElse(null);
        if (r.statusCode() / 100 != 3 || location == null) {
          return r;
        }
        r =
            http.send(
                request(r.uri().resolve(location)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
      }
      return r;
    }

    private void keepCookies(HttpResponse<String> r) {
      for (String header : r.headers().allValues("Set-Cookie")) {
        String pair = header.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
      }
    }
  }
}

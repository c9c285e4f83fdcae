package org.porthole.guestagent.spn;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The guest's Kerberos service principal for {@code get-spn}: the configured one if set, else the
 * first {@code host/...} principal in the keytab. Only principal names leave here.
 */
public final class SpnSource {
  private static final String HOST_SERVICE = "host";

  private final Optional<String> configured;
  private final Path keytab;

  public SpnSource(Optional<String> configured, Path keytab) {
    this.configured = configured;
    this.keytab = keytab;
  }

  /** Where an SPN came from: {@code config} or {@code keytab}. */
  public record Spn(String principal, String source) {}

  /**
   * The SPN, or empty when none is configured and the keytab is missing or has no {@code host/}
   * entry.
   *
   * @throws KeytabException when the keytab exists but cannot be read
   */
  public Optional<Spn> find() throws KeytabException {
    if (configured.isPresent()) {
      return Optional.of(new Spn(configured.get(), "config"));
    }
    try {
      for (Keytab.Entry e : Keytab.read(keytab)) {
        if (e.components().size() >= 2 && e.components().get(0).equals(HOST_SERVICE)) {
          return Optional.of(new Spn(e.principal(), "keytab"));
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new KeytabException("keytab unreadable: " + e.getClass().getSimpleName());
    }
  }
}

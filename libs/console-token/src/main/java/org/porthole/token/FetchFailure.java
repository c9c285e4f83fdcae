package org.porthole.token;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * One line saying why a JWKS request failed, for the log and the readiness check: TLS failures are
 * told apart (untrusted issuer, wrong host name) because an operator fixes each differently; other
 * failures keep the HTTP client's own message.
 */
final class FetchFailure {

  private FetchFailure() {}

  static String describe(Throwable failure, JwksTrust trust) {
    if (failure == null) {
      return "request failed";
    }
    if (find(failure, SSLException.class) == null) {
      return message(failure);
    }
    if (find(failure, CertPathBuilderException.class) != null
        || find(failure, CertPathValidatorException.class) != null) {
      String hint =
          trust.anchors() == 0
              ? "; set " + JwksTrust.KEY_CA_FILE + " to the CA certificate that issued it"
              : "";
      return "TLS: the server's certificate does not chain to " + trust.description() + hint;
    }
    CertificateException names = find(failure, CertificateException.class);
    if (names != null) {
      return "TLS: the server's certificate does not name the host in the URL ("
          + message(names)
          + ")";
    }
    return "TLS handshake failed: " + message(failure);
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String message(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}

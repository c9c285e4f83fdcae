package org.porthole.engine.auth.kerberos;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The base64 token of an {@code Authorization: Negotiate} header, not yet checked. */
public final class NegotiateRequest extends BaseAuthenticationRequest {

  private final String token;

  public NegotiateRequest(String token) {
    this.token = token;
  }

  /** The base64 SPNEGO token as the client sent it; a secret, never logged. */
  public String token() {
    return token;
  }
}

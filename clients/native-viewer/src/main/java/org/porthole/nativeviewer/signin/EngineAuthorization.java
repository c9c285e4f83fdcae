package org.porthole.nativeviewer.signin;

/** Where the {@code Authorization} header of each engine request comes from. */
public interface EngineAuthorization {

  /** The header value for the next request ({@code Negotiate …} or {@code Bearer …}). */
  String header();

  /** How the user is signed in, for messages ({@code Kerberos}, {@code OIDC}). */
  String method();
}

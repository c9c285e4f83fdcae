package org.porthole.wsproxy.admission;

/**
 * Pipeline user events between the connection's {@link AdmissionGuard} and the handlers that
 * authenticate it. Fired from the pipeline's head so the guard, which sits first, sees them.
 */
public enum AdmissionEvent {
  /** The client's token was verified: the connection no longer counts as unauthenticated. */
  AUTHENTICATED,
  /** The authentication deadline passed: the handler in charge closes with a reason. */
  DEADLINE_PASSED
}

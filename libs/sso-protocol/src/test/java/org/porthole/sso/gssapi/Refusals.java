package org.porthole.sso.gssapi;

/** Runs a step of SSO authentication that must be refused, and hands back the refusal. */
final class Refusals {
  private Refusals() {}

  /** A step that may be refused. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /** The refusal {@code step} ends with; fails the test when it succeeds or fails otherwise. */
  static SsoAuthException refusal(Step step) {
    try {
      step.run();
    } catch (SsoAuthException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected an SsoAuthException, got " + e, e);
    }
    throw new AssertionError("expected an SsoAuthException, but the step succeeded");
  }
}

package org.porthole.engine.sso;

import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.SsoClaims;

/**
 * Body of {@code PUT /vms/{id}/sso}: {@code {"spn":"host/<fqdn>@REALM","delegation":"never"}}, each
 * optional but not both absent; an absent field keeps its value. Unknown fields are refused (400).
 */
public record SsoRequest(String spn, String delegation) {

  /**
   * Checks the body's values.
   *
   * @throws PortholeException BAD_REQUEST naming what is wrong
   */
  static SsoRequest valid(SsoRequest request) {
    if (request == null || (request.spn() == null && request.delegation() == null)) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST,
          "give spn, delegation or both: {\"spn\":\"host/<fqdn>@REALM\"}");
    }
    if (request.spn() != null && !Spn.isValid(request.spn())) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST,
          "spn must be host/<fqdn>@REALM of at most " + SsoClaims.MAX_SPN_CHARS + " characters");
    }
    if (request.delegation() != null && !SsoClaims.knownDelegation(request.delegation())) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST, "delegation must be never, ok-as-delegate or always");
    }
    return request;
  }
}

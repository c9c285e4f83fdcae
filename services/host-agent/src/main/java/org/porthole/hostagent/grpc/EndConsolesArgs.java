package org.porthole.hostagent.grpc;

import java.util.LinkedHashSet;
import java.util.Set;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.status.PortholeStatus;

/**
 * An EndConsoles request, checked at the edge (docs/contracts.md): a VM UUID, 1 to 256 session ids
 * of 1 to 64 printable characters, a status name from the status table, and a reason of at most 256
 * characters that is shown to the user (control characters replaced).
 */
record EndConsolesArgs(
    String vmUuid, Set<String> sessionIds, PortholeStatus status, String reason) {
  static final int MAX_SESSIONS = 256;
  static final int MAX_SESSION_ID_CHARS = 64;
  static final int MAX_REASON_CHARS = 256;
  static final String DEFAULT_REASON = "the console was ended by Porthole";

  static EndConsolesArgs from(EndConsolesRequest r) throws AgentException {
    String vm = DomainUuid.require(r.getVmUuid());
    if (r.getSessionIdsCount() == 0) {
      throw bad("session_ids is empty");
    }
    if (r.getSessionIdsCount() > MAX_SESSIONS) {
      throw bad("at most " + MAX_SESSIONS + " session ids, got " + r.getSessionIdsCount());
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String id : r.getSessionIdsList()) {
      if (id.isEmpty() || id.length() > MAX_SESSION_ID_CHARS || !printable(id)) {
        throw bad("a session id must be 1-" + MAX_SESSION_ID_CHARS + " printable characters");
      }
      ids.add(id);
    }
    if (r.getReason().length() > MAX_REASON_CHARS) {
      throw bad("reason exceeds " + MAX_REASON_CHARS + " characters");
    }
    String reason =
        r.getReason().isBlank() ? DEFAULT_REASON : r.getReason().replaceAll("\\p{Cntrl}", "?");
    return new EndConsolesArgs(vm, Set.copyOf(ids), status(r.getStatus()), reason);
  }

  private static PortholeStatus status(String name) throws AgentException {
    try {
      return PortholeStatus.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw bad("status must be a Porthole status name such as FORBIDDEN or CONFLICT");
    }
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
  }

  private static AgentException bad(String message) {
    return new AgentException(PortholeStatus.BAD_REQUEST, message);
  }
}

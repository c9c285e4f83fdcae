package org.porthole.hostagent.grpc;

import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsInfo;
import org.porthole.hostagent.ticket.TicketRules;
import org.porthole.status.PortholeStatus;

/**
 * A PrepareConsole request, checked at the edge (docs/contracts.md), and the domain checks that
 * tell whether a console of it can open now: running, VNC graphics on loopback or a unix socket,
 * started with password authentication, not exposed unless an admin allowed it. {@code sso}: the
 * session also wants its SSO channel (interactive only).
 */
record PrepareConsoleArgs(
    String vmUuid,
    String sessionId,
    boolean viewOnly,
    int validSeconds,
    boolean allowExposed,
    boolean sso) {
  static final String INTERACTIVE = "interactive";
  static final String VIEW = "view";

  static PrepareConsoleArgs from(PrepareConsoleRequest r) throws AgentException {
    String vm = DomainUuid.require(r.getVmUuid());
    String sid = r.getSessionId();
    if (sid.isEmpty()
        || sid.length() > EndConsolesArgs.MAX_SESSION_ID_CHARS
        || !sid.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw bad(
          "session_id must be 1-" + EndConsolesArgs.MAX_SESSION_ID_CHARS + " printable characters");
    }
    if (!INTERACTIVE.equals(r.getMode()) && !VIEW.equals(r.getMode())) {
      throw bad("mode must be interactive or view");
    }
    int seconds = r.getValidSeconds();
    if (seconds < TicketRules.MIN_SECONDS || seconds > TicketRules.MAX_SECONDS) {
      throw bad(
          "valid_seconds must be "
              + TicketRules.MIN_SECONDS
              + ".."
              + TicketRules.MAX_SECONDS
              + ", got "
              + seconds);
    }
    boolean view = VIEW.equals(r.getMode());
    if (r.getSso() && view) {
      throw bad("sso needs an interactive console, not mode view");
    }
    return new PrepareConsoleArgs(vm, sid, view, seconds, r.getAllowExposed(), r.getSso());
  }

  /** CONFLICT naming what keeps {@code vm} from opening a console now. */
  void check(DomainView vm) throws AgentException {
    if (!vm.running()) {
      throw conflict("domain " + vmUuid + " is not running");
    }
    GraphicsInfo g =
        vm.graphics()
            .filter(GraphicsInfo::isVnc)
            .orElseThrow(() -> conflict("domain " + vmUuid + " has no VNC graphics"));
    if (!g.isUnixSocket() && g.port() <= 0) {
      throw conflict("domain " + vmUuid + " has no live VNC port");
    }
    if (!g.passwordCapable()) {
      throw conflict(
          "domain "
              + vmUuid
              + " was started without a VNC password, so QEMU would"
              + " let anyone in; give its <graphics> a passwd and restart it");
    }
    if (g.exposed() && !allowExposed) {
      throw conflict(
          "domain "
              + vmUuid
              + " has VNC listening beyond loopback (exposed); an"
              + " admin must opt the VM in, or its graphics must listen on 127.0.0.1 or a socket");
    }
  }

  private static AgentException conflict(String message) {
    return new AgentException(PortholeStatus.CONFLICT, message);
  }

  private static AgentException bad(String message) {
    return new AgentException(PortholeStatus.BAD_REQUEST, message);
  }
}

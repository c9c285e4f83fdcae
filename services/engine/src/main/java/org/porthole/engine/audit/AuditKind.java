package org.porthole.engine.audit;

/** The kinds of audited facts (the {@code kind} column and {@code AuditEvent.kind}). */
public final class AuditKind {

  public static final String TICKET_ISSUED = "console.ticket-issued";
  public static final String TICKET_REFUSED = "console.ticket-refused";
  public static final String CONNECTED = "console.connected";
  public static final String DISCONNECTED = "console.disconnected";
  public static final String TAKEN_OVER = "console.taken-over";
  public static final String REVOKED = "console.revoked";
  public static final String ACL_CREATED = "acl.created";
  public static final String ACL_DELETED = "acl.deleted";
  public static final String TAG_ADDED = "vm.tag-added";
  public static final String TAG_REMOVED = "vm.tag-removed";
  public static final String POLICY_CHANGED = "vm.console-policy-changed";

  /** A porthole-admin allowed consoles of a VM whose VNC listens beyond loopback. */
  public static final String EXPOSED_ALLOWED = "vm.exposed-consoles-allowed";

  /** A porthole-admin withdrew that. */
  public static final String EXPOSED_DISALLOWED = "vm.exposed-consoles-disallowed";

  /**
   * A console session the engine closed because its host agent no longer relays it, or its host
   * went offline.
   */
  public static final String RECONCILED = "console.reconciled";

  /**
   * A VNC client logged in to QEMU without a Porthole relay (a graphics INITIALIZE without session
   * id).
   */
  public static final String DIRECT_LOGIN = "console.direct-qemu-login";

  /** A console the ws-proxy or a host agent refused before it reached QEMU (a ConsoleRefusal). */
  public static final String CONSOLE_REFUSED = "console.refused";

  /** The guest's first reported service principal was pinned for its VM (actor system). */
  public static final String SSO_SPN_LEARNED = "vm.sso-spn-learned";

  /** The guest reported another SPN than the pinned one: kept for display, never used. */
  public static final String SSO_SPN_MISMATCH = "vm.sso-spn-mismatch";

  /** A porthole-admin set a VM's SPN pin or delegation policy. */
  public static final String SSO_CHANGED = "vm.sso-changed";

  /** A porthole-admin forgot a VM's SSO settings: the next report pins again. */
  public static final String SSO_FORGOTTEN = "vm.sso-forgotten";

  /** The guest signed the console's user in with Kerberos (the guest's sso event, outcome ok). */
  public static final String SSO_SIGNED_IN = "console.sso-signed-in";

  /** The guest refused the SSO exchange (its code says why). */
  public static final String SSO_REFUSED = "console.sso-refused";

  /** The SSO exchange could not run in the guest. */
  public static final String SSO_FAILED = "console.sso-failed";

  /**
   * The engine moved a VM to another host after a live migration, both agents asked (actor {@code
   * system}, detail {@code fromHost}, {@code toHost}).
   */
  public static final String VM_MOVED = "vm.moved";

  /** The actor of a refusal whose token could not be verified: nobody is known. */
  public static final String ANONYMOUS_ACTOR = "anonymous";

  /** The actor of facts the engine observes or decides itself (graphics events, the sweeper). */
  public static final String SYSTEM_ACTOR = "system";

  private AuditKind() {}
}

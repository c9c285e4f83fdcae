package org.porthole.hostagent.libvirt;

import java.util.Locale;
import java.util.regex.Pattern;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/** Validates domain UUIDs from callers before they reach libvirt. */
public final class DomainUuid {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private DomainUuid() {}

  /** The UUID in canonical lower case, or BAD_REQUEST when it is not one. */
  public static String require(String value) throws AgentException {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (!UUID.matcher(v).matches()) {
      throw new AgentException(PortholeStatus.BAD_REQUEST, "vm_uuid is not a UUID");
    }
    return v;
  }
}

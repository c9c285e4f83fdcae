package org.porthole.engine.inventory;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.Graphics;

/** Maps the agent's wire {@link Domain} to the engine's {@link Vm}, at the edge. */
public final class DomainMapping {

  private static final int MAX_NAME = 255;

  private DomainMapping() {}

  /** The VM, or empty when the domain's UUID is not a UUID (the domain is then ignored). */
  static Optional<Vm> toVm(Domain domain, String hostId, Instant now) {
    Optional<UUID> id = parseUuid(domain.getUuid());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    VmGraphics graphics = domain.hasGraphics() ? toGraphics(domain.getGraphics()) : null;
    return Optional.of(
        new Vm(
            id.get(),
            hostId,
            boundedName(domain.getName()),
            VmState.fromProto(domain.getState()),
            graphics,
            now));
  }

  static VmGraphics toGraphics(Graphics graphics) {
    return new VmGraphics(graphics.getType(), graphics.getExposed(), graphics.getPasswordCapable());
  }

  public static Optional<UUID> parseUuid(String raw) {
    try {
      UUID id = UUID.fromString(raw);
      return id.toString().equalsIgnoreCase(raw) ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static String boundedName(String name) {
    return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
  }
}

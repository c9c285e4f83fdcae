package org.porthole.hostagent.grpc;

import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.Graphics;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsInfo;
import org.porthole.hostagent.libvirt.VmState;

/** Maps the agent's domain records to the wire messages of porthole.hostagent.v1. */
public final class DomainMapping {
  private DomainMapping() {}

  public static Domain toProto(DomainView d) {
    Domain.Builder b =
        Domain.newBuilder().setUuid(d.uuid()).setName(d.name()).setState(toProto(d.state()));
    d.graphics().ifPresent(g -> b.setGraphics(toProto(g)));
    return b.build();
  }

  public static Graphics toProto(GraphicsInfo g) {
    return Graphics.newBuilder()
        .setType(g.type())
        .setListen(g.listen())
        .setPort(g.port())
        .setSocket(g.socket())
        .setExposed(g.exposed())
        .setPasswordCapable(g.passwordCapable())
        .build();
  }

  public static DomainState toProto(VmState s) {
    return switch (s) {
      case RUNNING -> DomainState.DOMAIN_STATE_RUNNING;
      case PAUSED -> DomainState.DOMAIN_STATE_PAUSED;
      case SHUTOFF -> DomainState.DOMAIN_STATE_SHUTOFF;
      case CRASHED -> DomainState.DOMAIN_STATE_CRASHED;
      case SUSPENDED -> DomainState.DOMAIN_STATE_SUSPENDED;
      case OTHER -> DomainState.DOMAIN_STATE_OTHER;
    };
  }
}

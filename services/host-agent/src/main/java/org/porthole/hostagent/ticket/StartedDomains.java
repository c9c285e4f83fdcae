package org.porthole.hostagent.ticket;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.events.DomainEventListener;
import org.porthole.hostagent.libvirt.LifecycleSignal;

/**
 * After a domain (re)starts or arrives by migration, QEMU has the definition's static VNC password:
 * it is expired at once (a random one, already expired), so that password never opens a console.
 * Relays set their own one-time password per console anyway. The expiry waits for the VM's turn on
 * a turn thread; the event thread does not wait for it.
 */
public final class StartedDomains implements DomainEventListener {
  private static final Logger LOG = Logger.getLogger(StartedDomains.class.getName());

  private final PasswordTurns turns;

  public StartedDomains(PasswordTurns turns) {
    this.turns = turns;
  }

  @Override
  public void onLifecycle(LifecycleSignal s) {
    if (!"STARTED".equals(s.type())) {
      return;
    }
    turns
        .expire(s.vmUuid())
        .whenComplete(
            (done, e) -> {
              if (e == null) {
                LOG.log(
                    Level.INFO, "VNC password of domain {0} expired after its start", s.vmUuid());
              } else {
                LOG.log(
                    Level.INFO,
                    "cannot expire the VNC password of domain {0} after its start: {1}",
                    new Object[] {s.vmUuid(), e.getMessage()});
              }
            });
  }
}

package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * Announces that ACLs or tags changed (after the change committed), so the console revocation
 * re-judges live sessions at once. A synchronous CDI event: the request that made the change
 * returns after its consequences are applied.
 */
@ApplicationScoped
public class AclChanges {

  /** The event: access may have shrunk. */
  public record AccessChanged() {}

  private final Event<AccessChanged> event;

  @Inject
  public AclChanges(Event<AccessChanged> event) {
    this.event = event;
  }

  /** Call after the commit of a change that may take access away. */
  public void changed() {
    event.fire(new AccessChanged());
  }
}

package org.porthole.guestagent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.guestagent.desktop.SessionState;

/** A desktop that only counts what it was asked to do. */
public final class RecordingBackend implements DesktopBackend {
  public final AtomicInteger locks = new AtomicInteger();
  public final AtomicInteger logOffs = new AtomicInteger();
  public final AtomicInteger powerOffs = new AtomicInteger();
  public final AtomicInteger reboots = new AtomicInteger();
  public final List<String> unlocked = new CopyOnWriteArrayList<>();

  /** When set, {@link #unlock} fails with it (a desktop that cannot unlock). */
  public volatile DesktopException unlockFailure;

  private volatile SessionState state = SessionState.UNLOCKED;

  @Override
  public void lock() {
    locks.incrementAndGet();
    state = SessionState.LOCKED;
  }

  @Override
  public void unlock(String user) throws DesktopException {
    if (unlockFailure != null) {
      throw unlockFailure;
    }
    unlocked.add(user);
    state = SessionState.UNLOCKED;
  }

  @Override
  public void logOff() {
    logOffs.incrementAndGet();
    state = SessionState.LOGGED_OFF;
  }

  @Override
  public SessionState state() {
    return state;
  }

  @Override
  public List<String> users() {
    return state == SessionState.LOGGED_OFF ? List.of() : List.of("alice");
  }

  @Override
  public void powerOff(String message) {
    powerOffs.incrementAndGet();
  }

  @Override
  public void reboot(String message) {
    reboots.incrementAndGet();
  }
}

package org.porthole.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;

/** Direct QEMU logins: one audit entry per VM per window, and no folded login goes unrecorded. */
class DirectLoginsTest {
  private static final UUID VM = UUID.fromString("0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b");
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  /** Records what would be written, in or outside the caller's transaction. */
  static final class RecordingAudit extends AuditLog {
    final List<AuditRecord> written = new CopyOnWriteArrayList<>();

    RecordingAudit() {
      super(null, null);
    }

    @Override
    public long record(Connection connection, AuditRecord record) {
      written.add(record);
      return written.size();
    }

    @Override
    public void recordAlone(AuditRecord record) {
      written.add(record);
    }
  }

  final RecordingAudit audit = new RecordingAudit();
  final DirectLogins logins = new DirectLogins(audit, Clock.systemUTC());

  @Test
  void aBurstRightAfterOneAuditedLoginIsRecordedByTheFlushWithoutALaterLogin() throws Exception {
    assertThat(logins.record(null, VM, "host-a:9443", "unix socket", T0)).isTrue();
    for (int i = 1; i <= 5; i++) {
      assertThat(logins.record(null, VM, "host-a:9443", "unix socket", T0.plusSeconds(i)))
          .isFalse();
    }
    assertThat(logins.flushDue(T0.plusSeconds(30))).as("the window has not passed").isZero();
    assertThat(logins.flushDue(T0.plus(DirectLogins.WINDOW))).isEqualTo(1);
    assertThat(audit.written).hasSize(2);
    AuditRecord folded = audit.written.get(1);
    assertThat(folded.kind()).isEqualTo(AuditKind.DIRECT_LOGIN);
    assertThat(folded.vmUuid()).isEqualTo(VM);
    assertThat(folded.detail())
        .containsEntry("suppressed", 5)
        .containsEntry("hostId", "host-a:9443");
    assertThat(logins.flushDue(T0.plusSeconds(600))).as("nothing left to write").isZero();
  }

  @Test
  void aLoopOfLoginsWritesAtMostOneEntryPerWindow() throws Exception {
    for (int s = 0; s < 180; s++) {
      logins.record(null, VM, "host-a:9443", "127.0.0.1:5000", T0.plusSeconds(s));
      logins.flushDue(T0.plusSeconds(s));
    }
    logins.flushDue(T0.plusSeconds(240));
    assertThat(audit.written).as("one entry per minute").hasSize(4);
    assertThat(audit.written.stream().mapToInt(r -> (Integer) r.detail().get("suppressed")).sum())
        .as("every login counted once: 3 written at once, the others folded in")
        .isEqualTo(180 - 3);
  }
}

package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.FakeTickets;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * A VM whose libvirt stops answering (a hung device update after a libvirtd restart or a stuck QEMU
 * monitor): its password expiry blocks. That must hold up no other VM's consoles, never greet the
 * console whose password it could not expire, and end the VM's later consoles with a reason instead
 * of leaving them open until the client gives up.
 */
class HungLibvirtTest extends InProcessAgentTest {
  private final CountDownLatch hang = new CountDownLatch(1);
  private final CountDownLatch hanging = new CountDownLatch(1);

  @Override
  GraphicsTickets passwords(FakeTickets fake) {
    return new GraphicsTickets() {
      @Override
      public Instant set(String vm, String password, int seconds) throws AgentException {
        return fake.set(vm, password, seconds);
      }

      @Override
      public void expire(String vm) {
        if (vm.equals(VM)) {
          hanging.countDown();
          try {
            hang.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        fake.expire(vm);
      }
    };
  }

  @Override
  Duration turnLimit() {
    return Duration.ofSeconds(1);
  }

  @AfterEach
  void libvirtAnswersAgain() {
    hang.countDown();
  }

  @Test
  void aVmWhoseExpiryHangsHoldsUpNoOtherVmAndItsLaterConsolesEndWithAReason() throws Exception {
    List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();
    RecordingObserver hung = console(open(tokens.token("hung", VM, HOST)), req);
    assertThat(hanging.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    RecordingObserver other = console(open(tokens.token("other", VM2, HOST)), req);
    assertThat(other.readBytes(RfbClient.BANNER.length))
        .as("another VM's console opens while this VM's expiry hangs")
        .isEqualTo(RfbClient.BANNER);

    assertThat(hung.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(hung.lastClose().getReason()).contains("did not end within");
    assertThat(hung.dataFrames())
        .as("never greeted: its password may still have opened QEMU")
        .isZero();

    RecordingObserver later = console(open(tokens.token("later", VM, HOST)), req);
    assertThat(later.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(later.lastClose().getReason()).contains("libvirt has not answered");
    assertThat(vnc.connections()).as("the later console never reached QEMU").isEqualTo(1);

    req.get(1).onNext(close());
    assertThat(other.awaitStatus().isOk()).isTrue();
  }
}

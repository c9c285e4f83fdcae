package org.porthole.hostagent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** The native virDomainEventGraphicsAddress layout, read from memory laid out as libvirt does. */
class GraphicsEventsTest {

  private static Memory string(String s) {
    Memory m = new Memory(s.length() + 1L);
    m.setString(0, s, "UTF-8");
    return m;
  }

  @Test
  void readsAddressStructWithPlatformAlignment() {
    Memory node = string("127.0.0.1");
    Memory service = string("41234");
    Memory struct = new Memory(3L * Native.POINTER_SIZE);
    struct.clear();
    struct.setInt(0, 0); // IPv4
    struct.setPointer(Native.POINTER_SIZE, node);
    struct.setPointer(2L * Native.POINTER_SIZE, service);
    GraphicsSignal.Address a = GraphicsEvents.address(struct);
    assertThat(a.family()).isEqualTo(GraphicsSignal.Family.IPV4);
    assertThat(a.node()).isEqualTo("127.0.0.1");
    assertThat(a.port()).isEqualTo(41234);
  }

  @Test
  void unixAddressHasNoPortAndNullFieldsAreEmpty() {
    Memory struct = new Memory(3L * Native.POINTER_SIZE);
    struct.clear();
    struct.setInt(0, 2); // UNIX
    GraphicsSignal.Address a = GraphicsEvents.address(struct);
    assertThat(a.family()).isEqualTo(GraphicsSignal.Family.UNIX);
    assertThat(a.node()).isEmpty();
    assertThat(a.port()).isEqualTo(-1);
    assertThat(GraphicsEvents.address(Pointer.NULL)).isEqualTo(GraphicsSignal.Address.NONE);
  }

  @Test
  void unknownPhaseIsRefusedNotGuessed() {
    assertThat(GraphicsSignal.Phase.of(1)).isEqualTo(GraphicsSignal.Phase.INITIALIZE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GraphicsSignal.Phase.of(7))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package org.porthole.bench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendProcessTest {

  @Test
  void parsesThePortsLine() {
    var ports = BackendProcess.parsePorts("ports source=40001 sink=40002 echo=40003");
    assertThat(ports)
        .containsEntry(BackendMode.SOURCE, 40001)
        .containsEntry(BackendMode.SINK, 40002)
        .containsEntry(BackendMode.ECHO, 40003);
  }

  @Test
  void refusesOtherOutput() {
    assertThatThrownBy(() -> BackendProcess.parsePorts(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackendProcess.parsePorts("Error: could not find main class"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesMissingOrHostilePorts() {
    assertThatThrownBy(() -> BackendProcess.parsePorts("ports source=1 sink=2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lacks");
    assertThatThrownBy(() -> BackendProcess.parsePorts("ports source=0 sink=2 echo=3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackendProcess.parsePorts("ports source=99999999999 sink=2 echo=3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackendProcess.parsePorts("ports shell=1 sink=2 echo=3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackendProcess.parsePorts("ports source sink=2 echo=3"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

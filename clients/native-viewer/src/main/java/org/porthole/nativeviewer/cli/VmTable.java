package org.porthole.nativeviewer.cli;

import java.util.ArrayList;
import java.util.List;
import org.porthole.nativeviewer.engine.Vm;

/** The VM list as a plain text table, columns as wide as their widest cell. */
final class VmTable {
  private static final String[] HEADER = {"NAME", "ID", "STATE", "MODE", "GUEST"};

  private VmTable() {}

  static String render(List<Vm> vms) {
    if (vms.isEmpty()) {
      return "no VMs you may open\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Vm vm : vms) {
      rows.add(new String[] {vm.name(), vm.id(), vm.state(), vm.mode(), vm.guest()});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        b.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      b.append('\n');
    }
    return b.toString();
  }
}

package org.porthole.status;

import java.util.ArrayList;
import java.util.List;

/** Throwaway: a raw type (javac -Xlint:all with -Werror). */
final class Throwaway {
  private Throwaway() {}

  static List none() {
    return new ArrayList();
  }
}

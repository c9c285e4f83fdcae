package org.porthole.status;

import java.util.*;

/** Throwaway: a star import (checkstyle). */
final class Throwaway {
  private Throwaway() {}

  static List<String> none() {
    return new ArrayList<>();
  }
}

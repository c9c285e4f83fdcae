package org.porthole.status;

/** Throwaway: four-space indentation. */
final class Throwaway {
    private Throwaway() {}
}

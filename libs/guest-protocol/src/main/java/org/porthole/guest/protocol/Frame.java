package org.porthole.guest.protocol;

/** What the framing yields: a whole line, or notice that an oversized line is being dropped. */
public sealed interface Frame {

  /** One line, decoded as UTF-8 with invalid sequences replaced by U+FFFD, without its newline. */
  record Line(String text) implements Frame {}

  /** A line grew past {@code limit} bytes; it is dropped up to and including its newline. */
  record Oversized(int limit) implements Frame {}
}

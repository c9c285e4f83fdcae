package org.porthole.testsupport.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** A {@link ByteLink} over a stream pair the caller owns. */
final class StreamLink implements ByteLink {
  private final InputStream in;
  private final OutputStream out;

  StreamLink(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    byte[] b = new byte[n];
    int got = 0;
    while (got < n) { // not readNBytes: it may block in a last read of 0 bytes on some streams
      int r = in.read(b, got, n - got);
      if (r < 0) {
        throw new IOException("the stream ended after " + got + " of " + n + " bytes");
      }
      got += r;
    }
    return b;
  }

  @Override
  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  @Override
  public void close() {
    // the caller owns the streams
  }
}

package org.porthole.guestagent.port;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a virtio-serial port by its name the way udev's {@code /dev/virtio-ports/<name>} links do,
 * but without udev: each {@code <sysfsRoot>/vportNpM/name} file holds the name given in the domain
 * XML, and the device is {@code <devRoot>/vportNpM}. Both roots are settings so tests can build the
 * tree in a temporary directory.
 */
public final class PortLocator {
  private static final int MAX_NAME_BYTES = 256;

  private final Path sysfsRoot;
  private final Path devRoot;

  public PortLocator(Path sysfsRoot, Path devRoot) {
    this.sysfsRoot = sysfsRoot;
    this.devRoot = devRoot;
  }

  /** The device path of the port named {@code name}, or empty when no such port exists now. */
  public Optional<Path> find(String name) {
    if (!Files.isDirectory(sysfsRoot)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> ports = Files.newDirectoryStream(sysfsRoot)) {
      for (Path port : ports) {
        if (name.equals(readName(port.resolve("name")))) {
          return Optional.of(devRoot.resolve(port.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Reads at most {@link #MAX_NAME_BYTES} + 1 bytes: sysfs reports every attribute as 4096 bytes
   * long whatever it holds, so the size cannot be trusted; a longer name is no port's.
   */
  private static String readName(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_NAME_BYTES + 1);
      if (bytes.length > MAX_NAME_BYTES) {
        return null;
      }
      return new String(bytes, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }
}

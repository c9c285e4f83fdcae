package org.porthole.token;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEM file of CA certificates strictly: one or more {@code CERTIFICATE} blocks (text
 * between blocks, such as openssl's comments, is ignored), nothing else. A private key, another PEM
 * type, a broken block, an empty or oversized file is refused with a reason that names what is
 * wrong but never quotes the file's content, so a key given by mistake never reaches a log.
 */
final class CaCertificateFile {

  /** Largest file accepted: a CA bundle is a few KiB (a whole OS bundle ~200 KiB). */
  static final int MAX_BYTES = 1024 * 1024;

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String BEGIN = "-----BEGIN ";
  private static final String CERTIFICATE = "CERTIFICATE";

  private CaCertificateFile() {}

  /**
   * The certificates in {@code file}, in file order.
   *
   * @throws IllegalArgumentException saying why the file cannot serve as trust anchors
   */
  static List<X509Certificate> read(Path file) {
    String text = new String(bytes(file), StandardCharsets.ISO_8859_1);
    if (text.isBlank()) {
      throw new IllegalArgumentException("the file is empty; expected PEM CA certificate(s)");
    }
    if (text.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          "the file holds a private key; give the CA certificate (ca.crt), never a key");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    int blocks = 0;
    while (block.find()) {
      blocks++;
      certificates.add(certificate(blocks, block.group(1), block.group(2)));
    }
    if (count(text, BEGIN) != blocks) {
      throw new IllegalArgumentException(
          "the file holds a PEM block without its matching -----END ...----- line");
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          "the file holds no PEM certificate; expected one or more -----BEGIN CERTIFICATE-----"
              + " blocks (convert DER with: openssl x509 -inform der)");
    }
    return List.copyOf(certificates);
  }

  private static byte[] bytes(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException("it is a directory, not a file");
      }
      if (!Files.isRegularFile(file)) {
        throw Files.exists(file)
            ? new IllegalArgumentException("it is not a regular file")
            : new IllegalArgumentException("the file does not exist");
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw tooLarge(size);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] content = in.readNBytes(MAX_BYTES + 1);
        if (content.length > MAX_BYTES) {
          throw tooLarge(content.length);
        }
        return content;
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("the file does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("the file is not readable (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the file cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static IllegalArgumentException tooLarge(long size) {
    return new IllegalArgumentException(
        "the file is "
            + size
            + " bytes, more than the "
            + MAX_BYTES / 1024
            + " KiB a CA certificate file may hold");
  }

  private static X509Certificate certificate(int index, String type, String body) {
    if (!CERTIFICATE.equals(type)) {
      throw new IllegalArgumentException(
          "PEM block " + index + " is a '" + type + "'; only CERTIFICATE blocks are accepted");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM block " + index + " is not valid base64");
    }
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "PEM block " + index + " is not a valid X.509 certificate");
    }
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      count++;
    }
    return count;
  }
}

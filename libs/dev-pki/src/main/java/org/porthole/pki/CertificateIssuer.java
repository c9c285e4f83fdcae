package org.porthole.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the development CA and service certificates: EC P-256 keys, SHA-256 with ECDSA, through
 * the JDK's own providers (BouncyCastle only builds the certificate structures).
 */
final class CertificateIssuer {

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);

  /** Backdating of notBefore, so peers with a slightly slow clock accept a fresh certificate. */
  private static final Duration BACKDATE = Duration.ofHours(1);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateIssuer() {}

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /** A self-signed CA certificate that may issue end-entity certificates only. */
  static X509Certificate selfSignedCa(KeyPair ca, Instant now) throws GeneralSecurityException {
    X500Name name = new X500Name("CN=Porthole development CA,O=Porthole");
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    try {
      X509v3CertificateBuilder builder =
          builder(name, name, ca.getPublic(), now, CA_VALIDITY)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(ca.getPublic()));
      return sign(builder, ca.getPrivate());
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot build CA certificate", e);
    }
  }

  /**
   * A service certificate for {@code identity}: extended key usage serverAuth and/or clientAuth as
   * its role acts, and subject alternative names holding its role URI and, for a host agent, the
   * host part of its host id (the name clients verify when they dial it).
   */
  static X509Certificate leaf(
      ServiceIdentity identity,
      PublicKey subjectKey,
      X509Certificate caCert,
      PrivateKey caKey,
      Instant now)
      throws GeneralSecurityException {
    return signedLeaf(
        identity.toString(),
        subjectKey,
        new ExtendedKeyUsage(purposes(identity)),
        subjectAlternativeNames(identity),
        caCert,
        caKey,
        now);
  }

  /**
   * A web server's certificate: extended key usage serverAuth, subject alternative names for its
   * hosts (DNS names and IP addresses), no role URI.
   */
  static X509Certificate webServer(
      WebServer server, PublicKey subjectKey, X509Certificate caCert, PrivateKey caKey, Instant now)
      throws GeneralSecurityException {
    List<GeneralName> names = new ArrayList<>();
    for (String host : server.hosts()) {
      names.add(
          WebServer.isIp(host)
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host.toLowerCase(Locale.ROOT)));
    }
    return signedLeaf(
        server.hosts().get(0),
        subjectKey,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth),
        new GeneralNames(names.toArray(new GeneralName[0])),
        caCert,
        caKey,
        now);
  }

  /**
   * An end-entity certificate named {@code commonName} (organisation Porthole), for digital
   * signatures only, with {@code usage} and {@code names}, issued and signed by the CA.
   */
  private static X509Certificate signedLeaf(
      String commonName,
      PublicKey subjectKey,
      ExtendedKeyUsage usage,
      GeneralNames names,
      X509Certificate caCert,
      PrivateKey caKey,
      Instant now)
      throws GeneralSecurityException {
    X500Name subject =
        new X500NameBuilder().addRDN(BCStyle.CN, commonName).addRDN(BCStyle.O, "Porthole").build();
    X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    try {
      X509v3CertificateBuilder builder =
          builder(issuer, subject, subjectKey, now, LEAF_VALIDITY)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(Extension.extendedKeyUsage, false, usage)
              .addExtension(Extension.subjectAlternativeName, false, names)
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(caCert));
      return sign(builder, caKey);
    } catch (CertIOException e) {
      throw new GeneralSecurityException("cannot build certificate for " + commonName, e);
    }
  }

  private static KeyPurposeId[] purposes(ServiceIdentity identity) {
    List<KeyPurposeId> purposes = new ArrayList<>();
    if (identity.role().server()) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (identity.role().client()) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    return purposes.toArray(new KeyPurposeId[0]);
  }

  /**
   * The role URI, and for a host agent the host part of its host id as a DNS name or IP address.
   */
  static GeneralNames subjectAlternativeNames(ServiceIdentity identity) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
    String host = identity.host();
    if (!host.isEmpty()) {
      boolean ip = host.contains(":") || IPV4.matcher(host).matches();
      names.add(
          ip
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host.toLowerCase(Locale.ROOT)));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant now, Duration validity) {
    BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial,
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create " + SIGNATURE_ALGORITHM + " signer", e);
    }
  }
}

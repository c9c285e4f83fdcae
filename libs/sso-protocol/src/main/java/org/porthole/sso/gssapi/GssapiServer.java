package org.porthole.sso.gssapi;

import com.sun.security.jgss.GSSUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.kerberos.KeyTab;
import org.ietf.jgss.ChannelBinding;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * The acceptor of SASL GSSAPI (RFC 4752) with Kerberos, on the JDK's JGSS: accepts the client's
 * AP-REQ with the service principal's keys from a keytab (answering with the AP-REP), offers the
 * confidentiality layer alone and takes the client's choice; then yields the client's principal,
 * its delegated TGT if any, and sealed messages. The first token must carry the same channel
 * binding as this acceptor's, and the JDK's replay cache (per process, in memory) refuses a first
 * token seen before.
 *
 * <p>Keys come only from the Subject given ({@link #keytabSubject}): never from a JAAS file nor the
 * JDK's default keytab. Do not set {@code javax.security.auth.useSubjectCredsOnly=false} in the
 * acceptor's process: JGSS would then look for credentials outside that Subject. Not thread-safe:
 * one exchange per instance, driven by one thread at a time.
 */
public final class GssapiServer {
  private static final String TGT_PREFIX = "krbtgt/";

  private enum State {
    AWAIT_AP_REQ,
    AWAIT_EMPTY,
    AWAIT_CHOICE,
    COMPLETE,
    FAILED
  }

  private final Subject acceptor;
  private final GSSContext context;
  private State state = State.AWAIT_AP_REQ;
  private String clientPrincipal;
  private SealedChannel channel;

  /**
   * An acceptor for {@code servicePrincipal} with the keys in {@code acceptor} (see {@link
   * #keytabSubject}).
   *
   * @param channelBinding the application data both peers bind to (session and nonce), not empty
   * @throws SsoAuthException ({@link Reason#NO_CREDENTIALS}) when the Subject has no keys for it
   * @throws IllegalArgumentException when the name is not a full principal or the binding is empty
   */
  public GssapiServer(Subject acceptor, String servicePrincipal, byte[] channelBinding)
      throws SsoAuthException {
    this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
    this.context = acceptorContext(acceptor, servicePrincipal, channelBinding);
  }

  /**
   * A Subject holding {@code principal} and its keys in the keytab file {@code keytab}, read when a
   * token arrives (so a rotated keytab is picked up). The JDK's default keytab is not
   * /etc/krb5.keytab, hence the explicit file.
   *
   * @param principal the full service principal, {@code host/guest.example@REALM}
   * @throws SsoAuthException ({@link Reason#NO_CREDENTIALS}) when the file cannot be read
   * @throws IllegalArgumentException when the name is not a full principal
   */
  public static Subject keytabSubject(String principal, Path keytab) throws SsoAuthException {
    Jgss.requireFullPrincipal(principal);
    if (!Files.isReadable(keytab)) {
      throw new SsoAuthException(Reason.NO_CREDENTIALS, "cannot read the keytab " + keytab);
    }
    KerberosPrincipal service = new KerberosPrincipal(principal);
    Subject subject = new Subject();
    subject.getPrincipals().add(service);
    subject.getPrivateCredentials().add(KeyTab.getInstance(service, keytab.toFile()));
    subject.setReadOnly();
    return subject;
  }

  private static GSSContext acceptorContext(Subject acceptor, String spn, byte[] channelBinding)
      throws SsoAuthException {
    GSSName name = Jgss.principalName(spn);
    GSSManager manager = GSSManager.getInstance();
    ChannelBinding binding = Jgss.binding(channelBinding);
    try {
      return Jgss.as(acceptor, () -> accepting(manager, name, binding));
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.NO_CREDENTIALS, "finding the keys of " + spn);
    }
  }

  /** A context accepting with {@code name}'s keys; runs as the Subject that holds them. */
  private static GSSContext accepting(GSSManager manager, GSSName name, ChannelBinding binding)
      throws GSSException {
    int lifetime = GSSCredential.INDEFINITE_LIFETIME;
    int usage = GSSCredential.ACCEPT_ONLY;
    GSSCredential keys = manager.createCredential(name, lifetime, Jgss.KRB5_MECH, usage);
    GSSContext ctx = manager.createContext(keys);
    ctx.setChannelBinding(binding);
    return ctx;
  }

  /**
   * The challenge answering the client's response: the AP-REP to the first token, the wrapped
   * security-layer offer to the (empty) second; the client's wrapped choice completes the exchange
   * and is answered with an empty array (nothing more to send).
   */
  public byte[] evaluateResponse(byte[] response) throws SsoAuthException {
    if (state == State.COMPLETE || state == State.FAILED) {
      throw new IllegalStateException("no response expected in state " + state);
    }
    try {
      Jgss.requireSize(response, Jgss.MAX_TOKEN, "the client's response");
      return switch (state) {
        case AWAIT_AP_REQ -> acceptClient(response);
        case AWAIT_EMPTY -> offerAfterEmpty(response);
        default -> acceptChoice(response);
      };
    } catch (SsoAuthException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private byte[] acceptClient(byte[] apReq) throws SsoAuthException {
    byte[] apRep;
    try {
      apRep = Jgss.as(acceptor, () -> context.acceptSecContext(apReq, 0, apReq.length));
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.BAD_TOKEN, "accepting the client's first token");
    }
    if (!context.isEstablished()) {
      throw new SsoAuthException(Reason.BAD_TOKEN, "the first token did not complete Kerberos");
    }
    if (!context.getConfState()) {
      throw new SsoAuthException(Reason.LAYER_REFUSED, "the client's context cannot encrypt");
    }
    if (!context.getReplayDetState() || !context.getSequenceDetState()) {
      throw new SsoAuthException(
          Reason.BAD_TOKEN, "the client's context does not detect replayed or reordered messages");
    }
    try {
      clientPrincipal = context.getSrcName().toString();
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.BAD_TOKEN, "reading the client's name");
    }
    if (apRep != null && apRep.length > 0) {
      state = State.AWAIT_EMPTY;
      return apRep;
    }
    return offer();
  }

  private byte[] offerAfterEmpty(byte[] response) throws SsoAuthException {
    if (response.length != 0) {
      throw new SsoAuthException(
          Reason.BAD_TOKEN, "expected an empty response after the AP-REP, got " + response.length);
    }
    return offer();
  }

  private byte[] offer() throws SsoAuthException {
    byte[] plain = SecurityLayer.encode(SecurityLayer.CONFIDENTIALITY, Jgss.MAX_MESSAGE, "");
    byte[] token = SealedChannel.wrap(context, plain, false, "offering the security layer");
    state = State.AWAIT_CHOICE;
    return token;
  }

  private byte[] acceptChoice(byte[] wrappedChoice) throws SsoAuthException {
    byte[] plain = SealedChannel.unwrap(context, wrappedChoice, false, "reading the layer choice");
    SecurityLayer.Message choice = SecurityLayer.parseChoice(plain);
    String asked = choice.authorizationId();
    if (!asked.isEmpty() && !asked.equals(clientPrincipal)) {
      throw new SsoAuthException(
          Reason.AUTHZID_REFUSED, "the client asked to act for another principal");
    }
    channel = new SealedChannel(context, choice.maxSize(), Jgss.MAX_MESSAGE);
    state = State.COMPLETE;
    return new byte[0];
  }

  /** Whether the exchange completed: the client is authenticated and the layer agreed. */
  public boolean isComplete() {
    return state == State.COMPLETE;
  }

  /** The authenticated client's principal, {@code alice@REALM}. */
  public String clientPrincipal() {
    requireComplete();
    return clientPrincipal;
  }

  /**
   * The client's TGT when it delegated one, as a copy the caller owns (write it to a ticket cache,
   * then {@link KerberosTicket#destroy()} it); empty before completion or without delegation. Only
   * a TGT of the authenticated client is returned.
   */
  public Optional<KerberosTicket> delegatedTgt() throws SsoAuthException {
    if (state != State.COMPLETE || !context.getCredDelegState()) {
      return Optional.empty();
    }
    GSSCredential delegated;
    try {
      delegated = context.getDelegCred();
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.NO_CREDENTIALS, "reading the delegated credential");
    }
    if (delegated == null) {
      return Optional.empty();
    }
    Subject holder;
    try {
      holder = GSSUtil.createSubject(null, delegated);
    } finally {
      disposeQuietly(delegated); // the copy in the Subject is all the caller gets
    }
    KerberosTicket found = null;
    for (KerberosTicket ticket : holder.getPrivateCredentials(KerberosTicket.class)) {
      if (found == null && isTgtOf(ticket, clientPrincipal)) {
        found = ticket;
      } else {
        destroyQuietly(ticket);
      }
    }
    return Optional.ofNullable(found);
  }

  private static void disposeQuietly(GSSCredential credential) {
    try {
      credential.dispose();
    } catch (GSSException e) {
      // nothing left to free
    }
  }

  private static void destroyQuietly(KerberosTicket ticket) {
    try {
      ticket.destroy();
    } catch (DestroyFailedException e) {
      // a ticket that cannot be destroyed is left to the collector
    }
  }

  private static boolean isTgtOf(KerberosTicket ticket, String client) {
    return ticket.getClient() != null
        && ticket.getServer() != null
        && client.equals(ticket.getClient().getName())
        && ticket.getServer().getName().startsWith(TGT_PREFIX);
  }

  /** Encrypts {@code message} for the client (at most the size the client announced). */
  public byte[] seal(byte[] message) throws SsoAuthException {
    requireComplete();
    return channel.seal(message);
  }

  /** Decrypts a sealed message from the client, refusing replays and unencrypted tokens. */
  public byte[] unseal(byte[] token) throws SsoAuthException {
    requireComplete();
    return channel.unseal(token);
  }

  /** Forgets the context's keys; the acceptor is unusable afterwards. */
  public void dispose() {
    state = State.FAILED;
    try {
      context.dispose();
    } catch (GSSException e) {
      // Nothing to do: the keys are dropped with the context either way.
    }
  }

  private void requireComplete() {
    if (state != State.COMPLETE) {
      throw new IllegalStateException("the exchange is not complete (" + state + ")");
    }
  }
}

package org.porthole.sso.gssapi;

import com.sun.security.jgss.ExtendedGSSContext;
import java.util.Objects;
import javax.security.auth.Subject;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * The client of SASL GSSAPI (RFC 4752) with Kerberos, driven on the JDK's JGSS directly: the JDK's
 * SASL client always delegates the TGT, this one follows a {@link DelegationPolicy}. The service is
 * pinned as a full principal name (no DNS canonicalization, realm included) and must prove that it
 * holds that principal's key (mutual authentication) before anything more is said; the first token
 * is bound to the caller's channel binding so it cannot establish a context in another session.
 *
 * <p>The exchange: {@link #initialResponse()} (the AP-REQ), then {@link #evaluateChallenge} for the
 * service's AP-REP (answered with an empty response) and for its wrapped security-layer offer
 * (answered with the client's wrapped choice of confidentiality); then {@link #isComplete()} and
 * {@link #seal}/{@link #unseal} for messages. Not thread-safe: one exchange per instance, driven by
 * one thread at a time.
 */
public final class GssapiClient {
  /**
   * What the completed exchange established.
   *
   * @param delegated whether the TGT went to the service (a non-forwardable TGT never does)
   * @param mutual whether the service proved that it holds the target's key (always, once complete)
   * @param target the service principal the context is established with (the pinned one)
   * @param client the user's principal, as the service sees it
   */
  public record Outcome(boolean delegated, boolean mutual, String target, String client) {}

  private enum State {
    NEW,
    AWAIT_AP_REP,
    AWAIT_OFFER,
    COMPLETE,
    FAILED
  }

  private final Subject subject;
  private final String servicePrincipal;
  private final GSSName target;
  private final DelegationPolicy policy;
  private final GSSContext context;
  private State state = State.NEW;
  private Outcome outcome;
  private SealedChannel channel;

  /**
   * A client with the process's default credentials (the ticket cache kinit wrote, read when {@code
   * javax.security.auth.useSubjectCredsOnly=false}).
   *
   * @param servicePrincipal the pinned service, {@code host/guest.example@REALM}
   * @param policy when to delegate the TGT
   * @param channelBinding the application data both peers bind to (session and nonce), not empty
   */
  public GssapiClient(String servicePrincipal, DelegationPolicy policy, byte[] channelBinding)
      throws SsoAuthException {
    this(null, servicePrincipal, policy, channelBinding);
  }

  /**
   * A client with the credentials (a TGT) of {@code subject}, or the default ones when it is null.
   *
   * @throws IllegalArgumentException when the name is not a full principal or the binding is empty
   */
  public GssapiClient(
      Subject subject, String servicePrincipal, DelegationPolicy policy, byte[] channelBinding)
      throws SsoAuthException {
    this.subject = subject;
    this.servicePrincipal = Objects.requireNonNull(servicePrincipal, "servicePrincipal");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.target = Jgss.principalName(servicePrincipal);
    this.context = initiatorContext(target, policy, channelBinding);
  }

  private static GSSContext initiatorContext(
      GSSName target, DelegationPolicy policy, byte[] channelBinding) throws SsoAuthException {
    try {
      GSSManager manager = GSSManager.getInstance();
      GSSContext ctx =
          manager.createContext(target, Jgss.KRB5_MECH, null, GSSContext.DEFAULT_LIFETIME);
      ctx.requestMutualAuth(true);
      ctx.requestConf(true);
      ctx.requestInteg(true);
      ctx.requestReplayDet(true);
      ctx.requestSequenceDet(true);
      ctx.setChannelBinding(Jgss.binding(channelBinding));
      ctx.requestCredDeleg(policy == DelegationPolicy.ALWAYS);
      // Without the extension (jdk.security.jgss absent) OK_AS_DELEGATE falls back to no
      // delegation: never more than the policy allows.
      if (policy == DelegationPolicy.OK_AS_DELEGATE && ctx instanceof ExtendedGSSContext ext) {
        ext.requestDelegPolicy(true);
      }
      return ctx;
    } catch (GSSException e) {
      throw Jgss.failure(e, Reason.BAD_TOKEN, "setting up the Kerberos context");
    }
  }

  /** The first token (the Kerberos AP-REQ, with the TGT inside when the policy delegates). */
  public byte[] initialResponse() throws SsoAuthException {
    requireState(State.NEW);
    byte[] token;
    try {
      token = Jgss.as(subject, () -> context.initSecContext(new byte[0], 0, 0));
    } catch (GSSException e) {
      throw fail(Jgss.failure(e, Reason.BAD_TOKEN, "starting Kerberos for " + servicePrincipal));
    }
    if (token == null || context.isEstablished()) {
      throw refuse(Reason.MUTUAL_AUTH_FAILED, "the context skipped mutual authentication");
    }
    state = State.AWAIT_AP_REP;
    return token;
  }

  /**
   * The response to the service's next challenge: an empty one to its AP-REP, then the wrapped
   * security-layer choice, after which the exchange is complete.
   */
  public byte[] evaluateChallenge(byte[] challenge) throws SsoAuthException {
    if (state != State.AWAIT_AP_REP && state != State.AWAIT_OFFER) {
      throw new IllegalStateException("no challenge expected in state " + state);
    }
    try {
      Jgss.requireSize(challenge, Jgss.MAX_TOKEN, "the service's challenge");
    } catch (SsoAuthException e) {
      throw fail(e);
    }
    return state == State.AWAIT_AP_REP ? verifyService(challenge) : chooseLayer(challenge);
  }

  private byte[] verifyService(byte[] apRep) throws SsoAuthException {
    byte[] out;
    try {
      out = Jgss.as(subject, () -> context.initSecContext(apRep, 0, apRep.length));
    } catch (GSSException e) {
      throw fail(Jgss.failure(e, Reason.MUTUAL_AUTH_FAILED, "verifying the service's answer"));
    }
    if (!context.isEstablished()) {
      throw refuse(Reason.MUTUAL_AUTH_FAILED, "the service's answer did not complete Kerberos");
    }
    requirePinnedService();
    state = State.AWAIT_OFFER;
    return out == null ? new byte[0] : out;
  }

  /** After the handshake: the service proved its key, and it is the pinned one. */
  private void requirePinnedService() throws SsoAuthException {
    if (!context.getMutualAuthState()) {
      throw refuse(Reason.MUTUAL_AUTH_FAILED, "the service did not authenticate itself");
    }
    GSSName established;
    boolean sameName;
    try {
      established = context.getTargName();
      sameName = established != null && established.equals(target);
    } catch (GSSException e) {
      throw fail(Jgss.failure(e, Reason.WRONG_TARGET, "reading the service's name"));
    }
    if (!sameName || !servicePrincipal.equals(established.toString())) {
      throw refuse(Reason.WRONG_TARGET, "the context is not with " + servicePrincipal);
    }
    if (!context.getConfState()) {
      throw refuse(Reason.LAYER_REFUSED, "the context cannot encrypt");
    }
  }

  private byte[] chooseLayer(byte[] wrappedOffer) throws SsoAuthException {
    try {
      byte[] plain = SealedChannel.unwrap(context, wrappedOffer, false, "reading the layer offer");
      SecurityLayer.Message offer = SecurityLayer.parseOffer(plain);
      String client = context.getSrcName().toString();
      int layer = SecurityLayer.CONFIDENTIALITY;
      byte[] choice = SecurityLayer.encode(layer, Jgss.MAX_MESSAGE, client);
      byte[] token = SealedChannel.wrap(context, choice, false, "sending the layer choice");
      channel = new SealedChannel(context, offer.maxSize(), Jgss.MAX_MESSAGE);
      outcome = new Outcome(delegated(), true, servicePrincipal, client);
      state = State.COMPLETE;
      return token;
    } catch (GSSException e) {
      throw fail(Jgss.failure(e, Reason.BAD_TOKEN, "reading the client's own name"));
    } catch (SsoAuthException e) {
      throw fail(e);
    }
  }

  /**
   * Whether the TGT went along. The JDK decides in the first token: it clears the delegation state
   * when the TGT is not forwardable, and under the OK-AS-DELEGATE policy sets it only when the
   * service ticket carries that flag.
   */
  private boolean delegated() {
    if (policy == DelegationPolicy.OK_AS_DELEGATE && context instanceof ExtendedGSSContext ext) {
      return context.getCredDelegState() || ext.getDelegPolicyState();
    }
    return context.getCredDelegState();
  }

  /** Whether the exchange completed: the service is authenticated and the layer agreed. */
  public boolean isComplete() {
    return state == State.COMPLETE;
  }

  /** What the completed exchange established. */
  public Outcome outcome() {
    requireState(State.COMPLETE);
    return outcome;
  }

  /** Encrypts {@code message} for the service (at most the size the service announced). */
  public byte[] seal(byte[] message) throws SsoAuthException {
    requireState(State.COMPLETE);
    return channel.seal(message);
  }

  /** Decrypts a sealed message from the service, refusing replays and unencrypted tokens. */
  public byte[] unseal(byte[] token) throws SsoAuthException {
    requireState(State.COMPLETE);
    return channel.unseal(token);
  }

  /** Forgets the context's keys; the client is unusable afterwards. */
  public void dispose() {
    state = State.FAILED;
    try {
      context.dispose();
    } catch (GSSException e) {
      // Nothing to do: the keys are dropped with the context either way.
    }
  }

  private SsoAuthException fail(SsoAuthException e) {
    state = State.FAILED;
    return e;
  }

  private SsoAuthException refuse(Reason reason, String message) {
    return fail(new SsoAuthException(reason, message));
  }

  private void requireState(State expected) {
    if (state != expected) {
      throw new IllegalStateException("expected state " + expected + ", but " + state);
    }
  }
}

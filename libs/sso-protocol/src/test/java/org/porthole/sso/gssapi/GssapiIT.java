package org.porthole.sso.gssapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.sso.gssapi.KerberosRealm.ALICE;
import static org.porthole.sso.gssapi.KerberosRealm.GUEST;
import static org.porthole.sso.gssapi.KerberosRealm.PLAIN;
import static org.porthole.sso.gssapi.KerberosRealm.TGS;
import static org.porthole.sso.gssapi.Refusals.refusal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosTicket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.sso.gssapi.SsoAuthException.Reason;

/**
 * Both GSSAPI engines against a real MIT KDC, exchanging tokens in memory as the SSO channel
 * carries them: who gets alice's TGT under each delegation policy, what the guest writes for her,
 * and the attacks the pinned principal, the channel binding, the replay cache and the size bounds
 * stop.
 */
class GssapiIT {
  private static final String SESSION = "session-1";
  private static final int MAX_ROUNDS = 4;

  @TempDir static Path dir;
  private static KerberosRealm realm;
  private static Subject alice;

  private final List<GssapiClient> clients = new ArrayList<>();
  private final List<GssapiServer> servers = new ArrayList<>();

  @BeforeAll
  static void startRealm() throws Exception {
    realm = KerberosRealm.start(dir);
    alice = realm.alice(true);
  }

  @AfterAll
  static void stopRealm() {
    if (realm != null) {
      realm.close();
    }
  }

  @AfterEach
  void disposeEngines() {
    clients.forEach(GssapiClient::dispose);
    servers.forEach(GssapiServer::dispose);
  }

  @Test
  void delegatesTheTgtToAServiceTheRealmTrustsForDelegation() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.OK_AS_DELEGATE, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    assertThat(client.outcome()).isEqualTo(new GssapiClient.Outcome(true, true, GUEST, ALICE));
    assertThat(server.clientPrincipal()).isEqualTo(ALICE);
    KerberosTicket tgt = server.delegatedTgt().orElseThrow();
    assertThat(tgt.getServer().getName()).isEqualTo(TGS);
    assertThat(tgt.getClient().getName()).isEqualTo(ALICE);
    assertThat(tgt.isForwardable()).isTrue();
  }

  @Test
  void writesTheDelegatedTgtAsACacheMitToolsUse() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.OK_AS_DELEGATE, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    Path cache = dir.resolve("krb5cc_delegated");
    Ccache.write(server.delegatedTgt().orElseThrow(), cache);
    String klist = realm.kdc().clientTool(cache, "klist", "-f");
    assertThat(klist).contains("Default principal: " + ALICE).contains(TGS);
    assertThat(realm.kdc().ticketFlags(cache, TGS)).contains("F");
    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(cache));
    assertThat(mode).isEqualTo("rw-------");
    // The guest's desktop uses it: MIT's kvno gets a service ticket with the delegated TGT.
    assertThat(realm.kdc().clientTool(cache, "kvno", PLAIN)).contains("kvno = ");
  }

  @Test
  void keepsTheTgtFromAServiceTheRealmDoesNotTrust() throws Exception {
    GssapiClient client = client(alice, PLAIN, DelegationPolicy.OK_AS_DELEGATE, SESSION);
    GssapiServer server = server(PLAIN, SESSION);
    handshake(client, server);
    assertThat(client.outcome().delegated()).isFalse();
    assertThat(server.clientPrincipal()).isEqualTo(ALICE);
    assertThat(server.delegatedTgt()).isEmpty();
  }

  @Test
  void alwaysDelegatesWhateverTheRealmSays() throws Exception {
    GssapiClient client = client(alice, PLAIN, DelegationPolicy.ALWAYS, SESSION);
    GssapiServer server = server(PLAIN, SESSION);
    handshake(client, server);
    assertThat(client.outcome().delegated()).isTrue();
    KerberosTicket tgt = server.delegatedTgt().orElseThrow();
    assertThat(tgt.getClient().getName()).isEqualTo(ALICE);
  }

  @Test
  void neverDelegatesEvenToATrustedService() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    assertThat(client.outcome().delegated()).isFalse();
    assertThat(server.clientPrincipal()).isEqualTo(ALICE);
    assertThat(server.delegatedTgt()).isEmpty();
  }

  @Test
  void notForwardableTgtIsNeverDelegatedAndTheOutcomeSaysSo() throws Exception {
    Subject notForwardable = realm.alice(false);
    GssapiClient client = client(notForwardable, GUEST, DelegationPolicy.ALWAYS, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    assertThat(client.outcome().delegated()).isFalse();
    assertThat(server.clientPrincipal()).isEqualTo(ALICE);
    assertThat(server.delegatedTgt()).isEmpty();
  }

  @Test
  void rejectsAnAcceptorWithoutThePinnedServicesKey() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.ALWAYS, SESSION);
    GssapiServer impostor = server(PLAIN, SESSION); // holds PLAIN's keys, not GUEST's
    byte[] first = client.initialResponse();
    SsoAuthException e = refusal(() -> impostor.evaluateResponse(first));
    assertThat(e.reason()).isEqualTo(Reason.BAD_TOKEN);
    assertThat(impostor.isComplete()).isFalse();
    assertThat(impostor.delegatedTgt()).isEmpty();
  }

  @Test
  void rejectsAnAnswerFromAnotherSessionOfTheSameService() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    GssapiClient other = client(alice, GUEST, DelegationPolicy.NEVER, "session-2");
    GssapiServer otherServer = server(GUEST, "session-2");
    server.evaluateResponse(client.initialResponse());
    byte[] otherAnswer = otherServer.evaluateResponse(other.initialResponse());
    SsoAuthException e = refusal(() -> client.evaluateChallenge(otherAnswer));
    assertThat(e.reason()).isEqualTo(Reason.MUTUAL_AUTH_FAILED);
    assertThat(client.isComplete()).isFalse();
  }

  @Test
  void rejectsAFirstTokenBoundToAnotherSession() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.ALWAYS, "session-2");
    GssapiServer server = server(GUEST, SESSION);
    byte[] first = client.initialResponse();
    SsoAuthException e = refusal(() -> server.evaluateResponse(first));
    assertThat(e.reason()).isEqualTo(Reason.CHANNEL_BINDING_MISMATCH);
    assertThat(server.delegatedTgt()).isEmpty();
  }

  /**
   * The JDK's replay cache is one per process, in memory, shared by every acceptor: the same first
   * token offered to a second acceptor is refused as a replay (the JDK says "Request is a replay",
   * under the generic major status FAILURE).
   */
  @Test
  void rejectsAFirstTokenReplayedToAnotherAcceptor() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.ALWAYS, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    byte[] first = client.initialResponse();
    server.evaluateResponse(first);
    GssapiServer second = server(GUEST, SESSION);
    assertThat(refusal(() -> second.evaluateResponse(first)).reason()).isEqualTo(Reason.REPLAY);
    assertThat(second.delegatedTgt()).isEmpty();
  }

  @Test
  void sealsMessagesBothWaysAndHidesTheirContent() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    byte[] result = "{\"ok\":{\"user\":\"alice\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = server.seal(result);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("alice");
    assertThat(client.unseal(sealed)).isEqualTo(result);
    byte[] request = "logout".getBytes(StandardCharsets.UTF_8);
    assertThat(server.unseal(client.seal(request))).isEqualTo(request);
  }

  @Test
  void rejectsASealedMessageReplayedOrFromAnotherSession() throws Exception {
    GssapiClient client = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    GssapiClient other = client(alice, GUEST, DelegationPolicy.NEVER, "session-2");
    GssapiServer otherServer = server(GUEST, "session-2");
    handshake(other, otherServer);
    byte[] sealed = server.seal(new byte[] {1, 2, 3});
    client.unseal(sealed);
    assertThat(refusal(() -> client.unseal(sealed)).reason()).isEqualTo(Reason.REPLAY);
    byte[] foreign = otherServer.seal(new byte[] {1, 2, 3});
    assertThat(refusal(() -> client.unseal(foreign)).reason()).isEqualTo(Reason.BAD_TOKEN);
  }

  @Test
  void rejectsOversizedTokensBeforeReadingThem() throws Exception {
    byte[] oversized = new byte[Jgss.MAX_TOKEN + 1];
    GssapiServer fresh = server(GUEST, SESSION);
    assertThat(refusal(() -> fresh.evaluateResponse(oversized)).reason())
        .isEqualTo(Reason.TOO_LARGE);
    GssapiClient started = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    started.initialResponse();
    assertThat(refusal(() -> started.evaluateChallenge(oversized)).reason())
        .isEqualTo(Reason.TOO_LARGE);
    GssapiClient client = client(alice, GUEST, DelegationPolicy.NEVER, SESSION);
    GssapiServer server = server(GUEST, SESSION);
    handshake(client, server);
    byte[] bigMessage = new byte[Jgss.MAX_MESSAGE + 1];
    assertThat(refusal(() -> client.unseal(bigMessage)).reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(refusal(() -> server.seal(bigMessage)).reason()).isEqualTo(Reason.TOO_LARGE);
  }

  private GssapiClient client(Subject user, String service, DelegationPolicy policy, String session)
      throws SsoAuthException {
    GssapiClient client = new GssapiClient(user, service, policy, binding(session));
    clients.add(client);
    return client;
  }

  private GssapiServer server(String service, String session) throws SsoAuthException {
    GssapiServer server = new GssapiServer(realm.acceptor(service), service, binding(session));
    servers.add(server);
    return server;
  }

  private static byte[] binding(String session) {
    return ("porthole-sso:v1:" + session + ":nonce").getBytes(StandardCharsets.UTF_8);
  }

  /** Runs the exchange token by token, as the SSO channel carries it, until the guest is done. */
  private static void handshake(GssapiClient client, GssapiServer server) throws Exception {
    byte[] response = client.initialResponse();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      byte[] challenge = server.evaluateResponse(response);
      if (server.isComplete()) {
        assertThat(client.isComplete()).as("client complete with the server").isTrue();
        assertThat(round).as("rounds after the first token").isEqualTo(2);
        return;
      }
      response = client.evaluateChallenge(challenge);
    }
    throw new AssertionError("no completion after " + MAX_ROUNDS + " rounds");
  }
}

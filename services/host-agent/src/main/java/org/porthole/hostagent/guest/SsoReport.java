package org.porthole.hostagent.guest;

/**
 * A guest's {@code sso} event (docs/guest-protocol.md, "Events"), read without trusting it: every
 * text is bounded and printable, {@code outcome} is one of {@code ok}, {@code refused}, {@code
 * failed}, {@code code} a protocol-shaped code or empty.
 *
 * @param vmUuid the domain whose guest reported it
 * @param sessionId the console session the exchange belonged to
 * @param outcome ok, refused or failed
 * @param code the refusal's or failure's code; empty on ok
 * @param principal the authenticated Kerberos principal; empty when none
 * @param user the local user it mapped to; empty when none
 * @param delegated the client's TGT was delegated and stored
 * @param delivered false when the guest decided but its sealed result did not reach the viewer
 */
public record SsoReport(
    String vmUuid,
    String sessionId,
    String outcome,
    String code,
    String principal,
    String user,
    boolean delegated,
    boolean delivered) {}

package org.porthole.stack.launcher;

import java.nio.file.Path;
import org.porthole.stack.host.ExtraAddress;

/**
 * Where clients on the extra address's network (pods of the one-node Kubernetes) reach the
 * one-machine stack. Credentials are the stack's usual ones (PostgreSQL's password, the services'
 * Kafka users, the engine client's secret).
 *
 * @param address the extra address and its subnet (PostgreSQL admits that subnet, SCRAM)
 * @param jdbcUrl PostgreSQL: {@code jdbc:postgresql://<address>:<port>/porthole}
 * @param kafkaBootstrap Kafka's extra listener, {@code <address>:<port>} (SASL/SCRAM, plaintext)
 * @param oidcUrl Keycloak's realm over https, the issuer of every token: {@code
 *     https://<address>:<https port>/realms/porthole}
 * @param caFile the development CA (PEM) that issued Keycloak's https certificate
 */
public record ExtraEndpoints(
    ExtraAddress address, String jdbcUrl, String kafkaBootstrap, String oidcUrl, Path caFile) {}

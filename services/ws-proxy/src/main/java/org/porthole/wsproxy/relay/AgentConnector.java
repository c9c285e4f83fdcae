package org.porthole.wsproxy.relay;

import org.porthole.api.hostagent.v1.HostAgentGrpc;

/**
 * Finds the host agent a console token names. The real one ({@link AgentChannels}) keeps one
 * mutual-TLS channel per agent; tests connect to an in-process fake.
 */
@FunctionalInterface
public interface AgentConnector {

    /**
     * A stub for the agent whose id is {@code hostId} (its gRPC authority {@code host:port}).
     * Must not block: connecting happens when the first call starts.
     *
     * @throws IllegalArgumentException when {@code hostId} is not a usable address
     */
    HostAgentGrpc.HostAgentStub stub(String hostId);
}

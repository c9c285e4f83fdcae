package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AgentChannelsWarmUpTest {

  private static final AgentKeepAlive KEEP_ALIVE = AgentKeepAlive.defaults();

  @Test
  void warmUpPreparesCredentialsForThePlaceholderAgentAndOpensNoChannel() {
    List<String> asked = new CopyOnWriteArrayList<>();
    AgentChannels agents =
        new AgentChannels(
            hostId -> {
              asked.add(hostId);
              return InsecureChannelCredentials.create();
            },
            KEEP_ALIVE);

    agents.warmUp();

    assertThat(asked).containsExactly(AgentChannels.WARM_UP_HOST_ID);
    assertThat(agents.size()).as("agents with a channel").isZero();
    agents.close();
  }

  @Test
  void unreadableTlsFilesDoNotEscapeTheWarmUp() {
    AgentChannels agents =
        new AgentChannels(
            hostId -> {
              throw new UncheckedIOException(new java.io.IOException("cannot read x.pem"));
            },
            KEEP_ALIVE);

    agents.warmUp();

    assertThat(agents.size()).isZero();
    agents.close();
  }
}

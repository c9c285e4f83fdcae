package org.porthole.engine.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.porthole.engine.events.Topics;
import org.porthole.stack.KafkaBroker;
import org.porthole.stack.Ports;
import org.porthole.stack.Postgres;

/**
 * Real parts for the engine's integration tests: Debian's PostgreSQL and a KRaft Kafka broker,
 * each on a free loopback port in a temporary directory, with the engine's topics created as the
 * host agents create them (3 partitions). Returns the config that points the engine at them.
 */
public class StackResource implements QuarkusTestResourceLifecycleManager {

    /** Config key under which the tests find the temporary directory (dev PKI lives there). */
    public static final String PKI_DIR = "porthole.pki.dir";
    private static final int PARTITIONS = 3;

    private Path dir;
    private Postgres postgres;
    private KafkaBroker kafka;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("porthole-engine-it");
            Path logs = dir.resolve("logs");
            postgres = Postgres.start(dir.resolve("pg").resolve("data"), Ports.free(), logs);
            kafka = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), logs);
            createTopics(kafka.bootstrap());
        } catch (IOException | RuntimeException e) {
            stop();
            throw new IllegalStateException("could not start PostgreSQL and Kafka for the engine ITs: " + e.getMessage(),
                    e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", postgres.user(),
                "quarkus.datasource.password", postgres.password(),
                "porthole.kafka.bootstrap", kafka.bootstrap(),
                PKI_DIR, dir.resolve("pki").toString());
    }

    private static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = Topics.ALL.stream().map(name -> new NewTopic(name, PARTITIONS, (short) 1)).toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the engine's topics: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (dir != null) {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}

package org.porthole.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.porthole.engine.it.StackResource;

@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class MigrationsIT {

  private static final List<String> TABLES =
      List.of(
          "acl_entries",
          "applied_events",
          "audit_events",
          "console_policies",
          "console_sessions",
          "disconnect_actions",
          "exposed_console_opt_ins",
          "guest_states",
          "hosts",
          "signing_keys",
          "sso_grants",
          "vm_sso",
          "vm_tags",
          "vms");

  /** V1..V5 create one table each; V6 adds console_sessions.close_reason. */
  private static final int MIGRATIONS = 12;

  @Inject DataSource dataSource;

  @Inject Flyway flyway;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String url;

  @ConfigProperty(name = "quarkus.datasource.username")
  String user;

  @ConfigProperty(name = "quarkus.datasource.password")
  String password;

  @Test
  void applyToAFreshDatabaseAndASecondRunIsANoOp() throws SQLException {
    String database = "fresh_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
    String freshUrl = url.substring(0, url.lastIndexOf('/') + 1) + database;
    Flyway fresh =
        Flyway.configure()
            .configuration(flyway.getConfiguration())
            .dataSource(freshUrl, user, password)
            .load();

    MigrateResult first = fresh.migrate();
    MigrateResult second = fresh.migrate();

    assertThat(first.migrationsExecuted).isEqualTo(MIGRATIONS);
    assertThat(second.migrationsExecuted).isZero();
    assertThat(tables(freshUrl)).containsAll(TABLES);
    fresh.validate();
  }

  @Test
  void engineStartedOnTheLatestSchema() {
    assertThat(flyway.info().pending()).isEmpty();
    assertThat(flyway.info().current().getVersion().getVersion())
        .isEqualTo(Integer.toString(MIGRATIONS));
    assertThat(flyway.migrate().migrationsExecuted).isZero();
  }

  private List<String> tables(String jdbcUrl) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        ResultSet rows =
            connection.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      while (rows.next()) {
        names.add(rows.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}

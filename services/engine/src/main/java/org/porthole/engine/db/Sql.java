package org.porthole.engine.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Conversions between Java time and id types and PostgreSQL columns, in one place so every
 * repository stores instants as {@code TIMESTAMPTZ} in UTC the same way.
 */
public final class Sql {

    private Sql() {
    }

    /** Binds an instant (or SQL NULL) to a {@code TIMESTAMPTZ} parameter. */
    public static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        statement.setObject(index, value == null ? null : OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    /** Reads a {@code TIMESTAMPTZ} column, or null. */
    public static Instant getInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Reads a {@code UUID} column, or null. */
    public static UUID getUuid(ResultSet row, String column) throws SQLException {
        return row.getObject(column, UUID.class);
    }
}

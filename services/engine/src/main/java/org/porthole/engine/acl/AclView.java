package org.porthole.engine.acl;

import java.time.Instant;

/**
 * REST view of an ACL entry: {@code {id, subjectKind, subject, objectKind, object, permission,
 * createdBy, createdAt}}.
 */
public record AclView(
    long id,
    String subjectKind,
    String subject,
    String objectKind,
    String object,
    String permission,
    String createdBy,
    Instant createdAt) {

  static AclView of(AclEntry e) {
    return new AclView(
        e.id(),
        e.subjectKind().wireName(),
        e.subject(),
        e.objectKind().wireName(),
        e.object(),
        e.permission().wireName(),
        e.createdBy(),
        e.createdAt());
  }
}

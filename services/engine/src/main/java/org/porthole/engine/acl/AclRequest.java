package org.porthole.engine.acl;

/**
 * Body of {@code POST /api/v1/acls}: {@code {subjectKind: "user"|"group", subject, objectKind:
 * "vm"|"tag", object, permission}}; every field required, unknown fields refused.
 */
public record AclRequest(
    String subjectKind, String subject, String objectKind, String object, String permission) {}

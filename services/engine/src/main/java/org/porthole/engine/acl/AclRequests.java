package org.porthole.engine.acl;

import java.time.Instant;
import java.util.Locale;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/** Turns a client's {@link AclRequest} into an entry, or a 400 that says which field is wrong. */
public final class AclRequests {

  private AclRequests() {}

  /** The entry {@code request} asks for, created by {@code actor} at {@code at}. */
  public static AclEntry toEntry(AclRequest request, String actor, Instant at) {
    if (request == null) {
      throw bad(
          "body required: {\"subjectKind\":\"user\",\"subject\":\"alice\",\"objectKind\":\"vm\","
              + "\"object\":\"<VM UUID>\",\"permission\":\"console.connect\"}");
    }
    AclEntry.SubjectKind subjectKind = subjectKind(request.subjectKind());
    String subject = Names.require("subject", request.subject());
    if (subjectKind == AclEntry.SubjectKind.USER) {
      subject = subject.toLowerCase(Locale.ROOT);
    }
    AclEntry.ObjectKind objectKind = objectKind(request.objectKind());
    String object =
        objectKind == AclEntry.ObjectKind.VM
            ? PathIds.uuid("object (a VM id)", request.object()).toString()
            : Names.require("object (a tag)", request.object());
    Permission permission = permission(request.permission());
    return new AclEntry(0, subjectKind, subject, objectKind, object, permission, actor, at);
  }

  /** Parses a permission name; 400 naming the allowed ones. */
  public static Permission permission(String raw) {
    return Permission.parse(raw)
        .orElseThrow(() -> bad("permission must be one of " + Permission.ALLOWED));
  }

  private static AclEntry.SubjectKind subjectKind(String raw) {
    if ("user".equals(raw)) {
      return AclEntry.SubjectKind.USER;
    }
    if ("group".equals(raw)) {
      return AclEntry.SubjectKind.GROUP;
    }
    throw bad("subjectKind must be \"user\" or \"group\"");
  }

  private static AclEntry.ObjectKind objectKind(String raw) {
    if ("vm".equals(raw)) {
      return AclEntry.ObjectKind.VM;
    }
    if ("tag".equals(raw)) {
      return AclEntry.ObjectKind.TAG;
    }
    throw bad("objectKind must be \"vm\" or \"tag\"");
  }

  private static PortholeException bad(String message) {
    return new PortholeException(PortholeStatus.BAD_REQUEST, message);
  }
}

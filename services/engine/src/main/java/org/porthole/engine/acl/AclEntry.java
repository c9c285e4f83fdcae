package org.porthole.engine.acl;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * One stored ACL row: {@code subject} (a user, lower case, or a group) holds {@code permission} on
 * {@code object} (a VM UUID, or a tag that stands for every VM carrying it).
 */
public record AclEntry(
    long id,
    SubjectKind subjectKind,
    String subject,
    ObjectKind objectKind,
    String object,
    Permission permission,
    String createdBy,
    Instant createdAt) {

  /** Who an entry is for. */
  public enum SubjectKind {
    USER,
    GROUP;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an entry is on. */
  public enum ObjectKind {
    VM,
    TAG;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** True when this entry is about the user {@code name} (lower case) or one of {@code groups}. */
  public boolean appliesTo(String name, Set<String> groups) {
    return subjectKind == SubjectKind.USER ? subject.equals(name) : groups.contains(subject);
  }

  /** True when this entry's object is the VM {@code vmUuid} or one of its {@code tags}. */
  public boolean covers(String vmUuid, Set<String> tags) {
    return objectKind == ObjectKind.VM ? object.equals(vmUuid) : tags.contains(object);
  }
}

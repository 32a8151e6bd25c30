package io.livehub.security.entity;

import java.util.List;
import java.util.Set;

/**
 * Who is on the other end, as its verified token says. {@code channels} holds the patterns of
 * the token's {@code channels} claim, or is null when the claim is absent (every channel).
 */
public record Caller(String name, Set<String> groups, List<String> channels, long expiresAtMillis) {

    public boolean has(Role role) {
        return groups.contains(Role.ADMIN.group()) || groups.contains(role.group());
    }

    /** Patterns: {@code orders} matches itself; {@code tenant-7.*} every channel that starts with {@code tenant-7.}. */
    public boolean mayUse(String channel) {
        if (channels == null) {
            return true;
        }
        for (String pattern : channels) {
            if (pattern.equals("*") || pattern.equals(channel)
                    || (pattern.endsWith("*") && channel.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}

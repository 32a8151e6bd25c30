package io.livehub.security.entity;

import java.util.Locale;

/** The roles of the contract, from a token's {@code groups}; {@code admin} includes the others. */
public enum Role {
    SUBSCRIBER, PUBLISHER, ADMIN;

    public String group() {
        return name().toLowerCase(Locale.ROOT);
    }
}

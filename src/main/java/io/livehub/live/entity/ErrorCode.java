package io.livehub.live.entity;

/** The {@code error.code} values of the contract. */
public enum ErrorCode {
    BAD_JSON, UNKNOWN_TYPE, INVALID, FORBIDDEN, RATE_LIMITED, TOO_BIG;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

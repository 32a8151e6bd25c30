package io.livehub.security.control;

/** A token that cannot be accepted; the message says why, never what the token was. */
public class InvalidToken extends Exception {

    private final boolean expired;

    public InvalidToken(String reason, boolean expired) {
        super(reason, null, false, false);
        this.expired = expired;
    }

    public boolean expired() {
        return expired;
    }
}

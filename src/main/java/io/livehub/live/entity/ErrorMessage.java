package io.livehub.live.entity;

/** The reply to a message the server could not take; the connection stays open. */
public record ErrorMessage(String id, Failure error, String timestamp) implements Message {

    /** {@code code}: one of {@link ErrorCode}'s wire names. */
    public record Failure(String code, String message) {
    }

    public static ErrorMessage of(String id, ErrorCode code, String message, String timestamp) {
        return new ErrorMessage(id, new Failure(code.wire(), message), timestamp);
    }
}

package io.livehub.live.control;

import io.livehub.live.entity.ErrorCode;
import jakarta.websocket.DecodeException;

/** A frame the decoder refused, with the contract's error code and a message for the client. */
public class BadMessage extends DecodeException {

    private final ErrorCode code;
    private final String id;

    public BadMessage(String frame, ErrorCode code, String id, String message) {
        super(frame.length() > 200 ? frame.substring(0, 200) : frame, message);
        this.code = code;
        this.id = id;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} of the refused message when it had a readable one, for the error reply. */
    public String id() {
        return id;
    }
}

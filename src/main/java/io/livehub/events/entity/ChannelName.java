package io.livehub.events.entity;

import java.util.regex.Pattern;

/** The rule for channel names, the same on REST and on the socket. */
public final class ChannelName {

    public static final String RULE = "[a-z0-9][a-z0-9._:-]{0,127}";
    private static final Pattern PATTERN = Pattern.compile(RULE);

    private ChannelName() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}

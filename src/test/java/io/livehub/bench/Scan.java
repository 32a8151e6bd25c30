package io.livehub.bench;

/**
 * Reads what the benchmark needs from a server message without parsing it into objects: the
 * top-level {@code type}, {@code seq} and {@code recovered}, and {@code sent_at_ns} wherever it is.
 * Knows JSON strings and nesting, nothing else; one instance per thread.
 */
final class Scan {

    static final int OTHER = 0;
    static final int EVENT_CREATED = 1;
    static final int SUBSCRIBED = 2;

    private static final byte[] TYPE = bytes("type");
    private static final byte[] SEQ = bytes("seq");
    private static final byte[] SENT_AT = bytes("sent_at_ns");
    private static final byte[] CREATED = bytes("event_created");
    private static final byte[] SUBSCRIBED_NAME = bytes("subscribed");
    private static final byte[] RECOVERED = bytes("recovered");

    int type;
    long seq;
    long sentAt;
    /** A {@code subscribed}'s top-level {@code recovered}: 1 true, 0 false, -1 absent. */
    int recovered;

    void read(byte[] a, int from, int to) {
        type = OTHER;
        seq = 0;
        sentAt = 0;
        recovered = -1;
        int depth = 0;
        int i = from;
        while (i < to) {
            byte c = a[i];
            if (c == '"') {
                int start = i + 1;
                int end = endOfString(a, start, to);
                int k = end + 1;
                while (k < to && a[k] == ' ') {
                    k++;
                }
                if (k < to && a[k] == ':') {
                    i = value(a, start, end, k + 1, to, depth);
                } else {
                    i = end + 1;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            i++;
        }
    }

    /** Handles the key {@code a[keyFrom, keyTo)}; returns where scanning goes on. */
    private int value(byte[] a, int keyFrom, int keyTo, int v, int to, int depth) {
        while (v < to && a[v] == ' ') {
            v++;
        }
        if (depth == 1 && equal(a, keyFrom, keyTo, TYPE) && v < to && a[v] == '"') {
            int end = endOfString(a, v + 1, to);
            if (equal(a, v + 1, end, CREATED)) {
                type = EVENT_CREATED;
            } else if (equal(a, v + 1, end, SUBSCRIBED_NAME)) {
                type = SUBSCRIBED;
            }
            return end + 1;
        }
        if (depth == 1 && equal(a, keyFrom, keyTo, RECOVERED) && v < to && (a[v] == 't' || a[v] == 'f')) {
            recovered = a[v] == 't' ? 1 : 0;
            return v + 1;
        }
        if (depth == 1 && equal(a, keyFrom, keyTo, SEQ)) {
            seq = number(a, v, to);
        } else if (equal(a, keyFrom, keyTo, SENT_AT)) {
            sentAt = number(a, v, to);
        }
        return v;
    }

    /** Every number that follows a key {@code "seq"}, at any depth: the seqs of a REST answer. */
    static void seqs(byte[] a, int from, int to, java.util.function.LongConsumer sink) {
        int i = from;
        while (i < to) {
            if (a[i] == '"') {
                int end = endOfString(a, i + 1, to);
                if (equal(a, i + 1, end, SEQ) && end + 1 < to && a[end + 1] == ':') {
                    sink.accept(number(a, end + 2, to));
                }
                i = end + 1;
            } else {
                i++;
            }
        }
    }

    /** Where the JSON string whose content starts at {@code i} ends: at its closing quote, or {@code to}. */
    static int endOfString(byte[] a, int i, int to) {
        while (i < to && a[i] != '"') {
            i += a[i] == '\\' ? 2 : 1;
        }
        return Math.min(i, to);
    }

    private static long number(byte[] a, int i, int to) {
        while (i < to && a[i] == ' ') {
            i++;
        }
        long n = 0;
        boolean negative = i < to && a[i] == '-';
        if (negative) {
            i++;
        }
        while (i < to && a[i] >= '0' && a[i] <= '9') {
            n = n * 10 + (a[i] - '0');
            i++;
        }
        return negative ? -n : n;
    }

    private static boolean equal(byte[] a, int from, int to, byte[] what) {
        if (to - from != what.length) {
            return false;
        }
        for (int i = 0; i < what.length; i++) {
            if (a[from + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

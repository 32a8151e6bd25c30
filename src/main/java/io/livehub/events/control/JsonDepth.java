package io.livehub.events.control;

/**
 * Measures how deeply a JSON text nests, in one pass and without recursion, before any parser
 * sees it: a parser that builds objects recursively runs out of stack on a few thousand levels.
 */
public final class JsonDepth {

    /** Deeper than any event payload needs; shallow enough for every parser. */
    public static final int MAX = 64;

    private JsonDepth() {
    }

    public static boolean exceeds(String json, int max) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > max) {
                    return true;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return false;
    }
}

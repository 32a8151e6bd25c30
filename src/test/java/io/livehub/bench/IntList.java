package io.livehub.bench;

import java.util.Arrays;

/** A growable list of ints (latencies in microseconds) with the percentiles the report prints. */
final class IntList {

    private int[] values = new int[1024];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void addAll(IntList other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int size() {
        return size;
    }

    /** The value below which {@code fraction} of the values lie, after sorting; -1 when empty. */
    int percentile(double fraction) {
        if (size == 0) {
            return -1;
        }
        Arrays.sort(values, 0, size);
        int index = (int) Math.ceil(fraction * size) - 1;
        return values[Math.max(0, Math.min(size - 1, index))];
    }
}

package synack.event;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One order of a story's fields at every run. Map.of iterates in an order salted at each JVM start,
 * so a script diffing two runs' --json saw keys move: such a map is read in name order. A HashMap or
 * LinkedHashMap (one order every run) and a sorted map are kept as they are, the very object
 * (whoever built it may still add to it).
 */
public final class FieldOrder {
    private FieldOrder() {
    }

    /** {@code fields}, or an unmodifiable copy in name order when its own order changes from run to run. */
    @SuppressWarnings("unchecked")
    public static <K, V> Map<K, V> stable(Map<K, V> fields) {
        if (fields == null || fields.size() < 2 || fields instanceof HashMap || fields instanceof SortedMap) {
            return fields;
        }
        TreeMap<String, V> byName = new TreeMap<>();
        fields.forEach((k, v) -> byName.put(String.valueOf(k), v));
        return (Map<K, V>) Collections.unmodifiableSortedMap(byName);
    }
}

package synack.wire;

import java.util.Map;

/**
 * One decoded protocol layer of a frame: its name, a one-line summary for people, and every
 * field by name in wire order for -v and --json.
 */
public record Layer(String name, String summary, Map<String, Object> fields) {}

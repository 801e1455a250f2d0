package synack.cli.render;

import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/events.schema.json, for tests: every --json line a test sees is checked against the
 * published schema (draft 2020-12, networknt's validator), so a key that moves fails a test
 * before it breaks a user's CI job. The schema is read from the checkout: {@code synack.home}
 * when set (failsafe sets it), else ".." from cli/ (as {@code Lab.home()}).
 */
public final class EventSchema {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Schema schema;

    private EventSchema() {}

    public static Path file() {
        return Path.of(System.getProperty("synack.home", "..")).toAbsolutePath().normalize().resolve("docs/events.schema.json");
    }

    private static synchronized Schema schema() {
        if (schema == null) {
            String text;
            try {
                text = Files.readString(file());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the event schema " + file(), e);
            }
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.readTree(text));
        }
        return schema;
    }

    /** What the validator says of one line: empty when it is a valid event. */
    public static List<String> problems(String jsonLine) {
        JsonNode node;
        try {
            node = JSON.readTree(jsonLine);
        } catch (JacksonException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("not JSON: an empty line");
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema().validate(node)) {
            // where in the line, what is wrong, and which part of the schema says so (the command's result shape...)
            String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
            String rule = e.getSchemaLocation() == null ? "" : e.getSchemaLocation().toString();
            out.add((where.isEmpty() ? "(line)" : where) + ": " + e.getMessage() + (rule.contains("#") ? "  [" + rule.substring(rule.indexOf('#')) + "]" : ""));
        }
        return out;
    }

    /** Fails, with the line and the validator's messages, unless the line is a valid event. */
    public static void assertValid(String jsonLine) {
        List<String> p = problems(jsonLine);
        if (!p.isEmpty()) {
            fail("not a valid event line (" + file() + "):\n  " + jsonLine + "\n    " + String.join("\n    ", p));
        }
    }

    /** Every line of a --json run's stdout (nothing else may be there), each a valid event. */
    public static void assertEveryLineValid(String stdout) {
        check(stdout, false);
    }

    /**
     * The lines that start with '{' in output where stderr was merged into stdout (a run
     * interrupted by SIGINT): each a valid event; other lines are stderr's.
     */
    public static void assertEveryObjectLineValid(String mixed) {
        check(mixed, true);
    }

    private static void check(String text, boolean objectsOnly) {
        StringBuilder bad = new StringBuilder();
        int n = 0;
        int failures = 0;
        for (String line : text.lines().toList()) {
            n++;
            if (objectsOnly && !line.startsWith("{")) {
                continue;
            }
            List<String> p = problems(line);
            if (!p.isEmpty() && ++failures <= 5) {
                bad.append("line ").append(n).append(": ").append(line.length() > 2000 ? line.substring(0, 2000) + "..." : line)
                        .append("\n    ").append(String.join("\n    ", p)).append('\n');
            }
        }
        if (failures > 0) {
            fail(failures + " of " + n + " lines are not valid events (" + file() + ")" + (failures > 5 ? ", the first 5" : "")
                    + ":\n" + bad);
        }
    }
}

package synack.cli.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of a command's model as the build writes it ({@link ModelWriter}) and a one-liner reads it
 * ({@link ModelReader}): a line per attribute, its key and its values separated by tabs, the values
 * escaped (backslash, tab, newline). A section starts with a line of its own: {@code command},
 * {@code option}, {@code positional}; the lines after it are its attributes.
 */
final class ModelFile {
    private ModelFile() {
    }

    static final String SUFFIX = ".model";

    /** Where the build puts the model of a command whose user object has this class (beside ModelReader's class). */
    static String resource(Class<?> commandClass) {
        return commandClass.getName() + SUFFIX;
    }

    static String line(String key, String... values) {
        StringBuilder b = new StringBuilder(key);
        for (String v : values) {
            b.append('\t');
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\': b.append("\\\\"); break;
                    case '\t': b.append("\\t"); break;
                    case '\n': b.append("\\n"); break;
                    case '\r': b.append("\\r"); break;
                    default: b.append(c);
                }
            }
        }
        return b.append('\n').toString();
    }

    /** A line's key and values, unescaped: the inverse of {@link #line}. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                out.add(b.toString());
                b.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }
}

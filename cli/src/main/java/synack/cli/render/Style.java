package synack.cli.render;

/** ANSI colour, only when stdout is a terminal and NO_COLOR is unset (no-color.org). */
public final class Style {
    private final boolean on;

    public Style(boolean on) {
        this.on = on;
    }

    public static boolean wanted(boolean noColorFlag) {
        String noColor = System.getenv("NO_COLOR");
        return !noColorFlag && (noColor == null || noColor.isEmpty()) && System.console() != null
                && !"dumb".equals(System.getenv("TERM"));
    }

    private String wrap(String code, String s) {
        return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String out(String s) {
        return wrap("36", s);
    }

    public String in(String s) {
        return wrap("35", s);
    }

    public String good(String s) {
        return wrap("32", s);
    }

    public String bad(String s) {
        return wrap("31", s);
    }

    public String warn(String s) {
        return wrap("33", s);
    }

    /** Colours a state name by what it means for the reader. */
    public String state(String name) {
        return switch (name) {
            case "REACHABLE", "ESTABLISHED", "FREE", "ANSWERED", "open" -> good(name);
            case "FAILED", "IN_USE", "TIMED_OUT", "closed" -> bad(name);
            default -> bold(name);
        };
    }
}

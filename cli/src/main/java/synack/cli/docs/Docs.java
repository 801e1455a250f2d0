package synack.cli.docs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import synack.cli.Main;

/**
 * Shell completion and man pages, generated from the one picocli model the commands are
 * declared in, so they can never say something the parser does not do. The files are
 * committed; a unit test regenerates them in memory and fails when they are stale.
 */
public final class Docs {
    private Docs() {}

    /** Every generated file, by its path relative to the checkout. */
    public static Map<String, String> files() {
        CommandLine cli = Main.commandLine();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("completions/synack.bash", AutoComplete.bash("synack", cli));
        files.put("man/synack.1", manPage(cli.getCommandSpec(), null));
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            if (spec.usageMessage().hidden() || sub.getKey().equals("help")) {
                continue;
            }
            files.put("man/synack-" + sub.getKey() + ".1", manPage(spec, cli.getCommandSpec()));
        }
        return files;
    }

    static String manPage(CommandSpec spec, CommandSpec parent) {
        String name = parent == null ? "synack" : "synack-" + spec.name();
        StringBuilder m = new StringBuilder();
        m.append(".\\\" generated from synack's picocli model by synack.cli.docs.Docs; do not edit\n");
        m.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"\" \"synack\" \"synack manual\"\n");
        m.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(firstSentence(spec))).append('\n');
        m.append(".SH SYNOPSIS\n.B ").append(parent == null ? "synack" : "synack " + spec.name()).append('\n');
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                m.append("[\\fB").append(esc(o.shortestName())).append("\\fR")
                        .append(o.typeInfo().isBoolean() ? "" : " \\fI" + esc(o.paramLabel()) + "\\fR").append("]\n");
            }
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            m.append("\\fI").append(esc(p.paramLabel())).append("\\fR").append(p.arity().max() > 1 ? "..." : "").append('\n');
        }
        if (parent == null) {
            m.append("\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n");
        }
        m.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            m.append(esc(line)).append('\n');
        }
        if (!spec.positionalParameters().isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                m.append(".TP\n.I ").append(esc(p.paramLabel())).append('\n').append(esc(String.join(" ", p.description()))).append('\n');
            }
        }
        if (parent == null) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> sub : spec.commandLine().getSubcommands().entrySet()) {
                if (sub.getValue().getCommandSpec().usageMessage().hidden() || sub.getKey().equals("help")) {
                    continue;
                }
                m.append(".TP\n.B ").append(esc(sub.getKey())).append('\n').append(esc(firstSentence(sub.getValue().getCommandSpec())))
                        .append(" See \\fBsynack-").append(esc(sub.getKey())).append("\\fR(1).\n");
            }
        }
        m.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            m.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
            if (!o.typeInfo().isBoolean()) {
                m.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            m.append('\n').append(esc(String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()))))
                    .append('\n');
        }
        List<String> footer = List.of(spec.usageMessage().footer());
        if (!footer.isEmpty()) {
            m.append(".SH NOTES\n");
            for (String line : footer) {
                m.append(line.isBlank() ? ".PP\n" : esc(line) + "\n.br\n");
            }
        }
        m.append(".SH SEE ALSO\n");
        m.append(parent == null ? "\\fBsynack-arp-resolve\\fR(1), \\fBsynack-http-get\\fR(1), \\fBtcpdump\\fR(1)\n" : "\\fBsynack\\fR(1)\n");
        return m.toString();
    }

    private static String firstSentence(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        String text = d.length == 0 ? spec.name() : String.join(" ", d);
        int dot = text.indexOf(". ");
        int colon = text.indexOf(": ");
        int cut = dot > 0 ? dot + 1 : text.length();
        if (colon > 0 && colon < cut && colon > 40) {
            cut = colon;
        }
        return text.substring(0, cut).trim();
    }

    /** troff escapes: backslashes, leading dots and quotes, and hyphens that should print as hyphens. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }
}

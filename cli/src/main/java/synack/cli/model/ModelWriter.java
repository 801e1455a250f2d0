package synack.cli.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;
import synack.cli.Main;
import synack.cli.OneCommand;

/**
 * Run by the build (process-classes): writes each command's model, as picocli builds it from the
 * annotations, to a file a one-liner reads instead ({@link ModelReader}). Reading the annotations
 * at run time is most of a one-liner's model: java.lang.reflect proxies generated for each
 * annotation type (Command, Option, Parameters, Mixin, Spec) and picocli's reflective walk, ~40 ms
 * of a handshake's main thread; the file's model is built with picocli's programmatic API in a few.
 * The annotations stay the one source: this file is written from them at every build, and
 * ModelFileTest checks that both models help, parse and fail alike.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    /** args[0]: the directory (target/classes/synack/cli/model). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        // this build's files only: a command dropped or renamed leaves none behind to be read
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*" + ModelFile.SUFFIX)) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        for (Object command : commands()) {
            CommandSpec spec = annotated(command);
            String why = command instanceof Main ? null : unsupported(spec);
            if (why != null) { // its one-liner reads the annotations, as before (ModelFileTest fails for a one-liner's)
                System.out.println("synack model: no model file for " + spec.name() + ": " + why);
                continue;
            }
            String text = text(spec);
            if (command instanceof Main) { // a one-liner's root: the command under it is its only subcommand, no group added
                for (String sub : new ArrayList<>(spec.subcommands().keySet())) {
                    spec.removeSubcommand(sub);
                }
                spec.modelTransformer(null);
            }
            // read back as a one-liner will: a model the file cannot tell whole fails the build, not a user
            String differs = differences(spec, ModelReader.spec(command.getClass().getDeclaredConstructor().newInstance(),
                    new BufferedReader(new StringReader(text))));
            if (differs != null) {
                throw new IllegalStateException("the model file of " + spec.name() + " would differ from its annotations: " + differs);
            }
            Files.writeString(dir.resolve(ModelFile.resource(command.getClass())), text, StandardCharsets.UTF_8);
        }
    }

    /** The commands a one-liner runs ({@link OneCommand#command}), each once (ndp-resolve is arp-resolve), and the root. */
    static List<Object> commands() {
        List<Object> out = new ArrayList<>();
        out.add(new Main());
        Set<Class<?>> seen = new HashSet<>();
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            Object command = OneCommand.command(name);
            if (command != null && seen.add(command.getClass())) {
                out.add(command);
            }
        }
        return out;
    }

    /**
     * {@code command}'s model as picocli reads its annotations, before any model transformer (the reader runs it, as
     * picocli does after reading them).
     */
    static CommandSpec annotated(Object command) {
        return CommandSpec.forAnnotatedObject(command);
    }

    /** What differs between two models of a command, as a user meets them (help, each arg), or null when nothing. */
    static String differences(CommandSpec annotated, CommandSpec fromFile) {
        String a = usage(annotated);
        String b = usage(fromFile);
        if (!a.equals(b)) {
            return "help\n" + a + "\nagainst\n" + b;
        }
        String options = differences(annotated.options(), fromFile.options());
        return options != null ? options : differences(annotated.positionalParameters(), fromFile.positionalParameters());
    }

    private static String differences(List<? extends ArgSpec> annotated, List<? extends ArgSpec> fromFile) {
        if (annotated.size() != fromFile.size()) {
            return annotated.size() + " args against " + fromFile.size();
        }
        for (int i = 0; i < annotated.size(); i++) {
            String x = describe(annotated.get(i));
            String y = describe(fromFile.get(i));
            if (!x.equals(y)) {
                return x + "\nagainst\n" + y;
            }
        }
        return null;
    }

    private static String usage(CommandSpec spec) {
        CommandLine cli = new CommandLine(spec);
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(100);
        return cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Everything picocli tells of an arg, as text: what helps, parses, converts and completes. */
    public static String describe(ArgSpec a) {
        java.util.TreeMap<String, Object> m = new java.util.TreeMap<>();
        if (a instanceof OptionSpec) {
            OptionSpec o = (OptionSpec) a;
            m.put("names", Arrays.asList(o.names()));
            m.put("negatable", o.negatable());
            m.put("usageHelp", o.usageHelp());
            m.put("versionHelp", o.versionHelp());
            m.put("fallbackValue", o.fallbackValue());
            m.put("order", o.order());
        } else {
            m.put("index", ((PositionalParamSpec) a).index());
        }
        m.put("paramLabel", a.paramLabel());
        m.put("description", Arrays.asList(a.description()));
        m.put("arity", a.arity() + " unspecified=" + a.arity().isUnspecified());
        m.put("required", a.required());
        m.put("hidden", a.hidden());
        m.put("hideParamSyntax", a.hideParamSyntax());
        m.put("type", a.type());
        m.put("auxiliaryTypes", Arrays.asList(a.auxiliaryTypes()));
        m.put("defaultValue", a.defaultValue());
        m.put("showDefaultValue", a.showDefaultValue());
        m.put("split", a.splitRegex() + " / " + a.splitRegexSynopsisLabel());
        List<Class<?>> converters = new ArrayList<>();
        for (Object c : a.converters()) {
            converters.add(c.getClass());
        }
        m.put("converters", converters);
        List<String> candidates = new ArrayList<>();
        if (a.completionCandidates() != null) {
            a.completionCandidates().forEach(candidates::add);
        }
        m.put("completionCandidates", candidates);
        m.put("parameterConsumer", a.parameterConsumer() == null ? null : a.parameterConsumer().getClass());
        Object initial = a.initialValue();
        m.put("initialValue", a.hasInitialValue() + " " + (initial instanceof boolean[] ? Arrays.toString((boolean[]) initial)
                : initial instanceof Object[] ? Arrays.deepToString((Object[]) initial) : String.valueOf(initial)));
        m.put("typeInfo", a.typeInfo().getClassName() + " boolean=" + a.typeInfo().isBoolean() + " multi=" + a.typeInfo().isMultiValue()
                + " array=" + a.typeInfo().isArray() + " collection=" + a.typeInfo().isCollection() + " map=" + a.typeInfo().isMap()
                + " enum=" + a.typeInfo().isEnum() + " optional=" + a.typeInfo().isOptional() + " " + a.typeInfo().getEnumConstantNames());
        m.put("toString", a.toString());
        m.put("scope", a.scopeType() + " inherited=" + a.inherited() + " interactive=" + a.interactive() + " key=" + a.descriptionKey());
        return m.toString();
    }

    /** Why a command's model cannot be told in a model file, or null when it can. */
    static String unsupported(CommandSpec spec) {
        if (!spec.subcommands().isEmpty()) {
            return "it has subcommands";
        }
        if (!spec.argGroups().isEmpty()) {
            return "argument groups";
        }
        // what the file does not tell: each must be as picocli has it without annotations
        CommandSpec plain = CommandSpec.create();
        if (spec.defaultValueProvider() != null || spec.resourceBundle() != null || !spec.unmatchedArgsBindings().isEmpty()
                || !spec.parentCommandElements().isEmpty() || (spec.versionProvider() == null && spec.version().length > 0)
                || spec.exitCodeOnSuccess() != plain.exitCodeOnSuccess() || spec.exitCodeOnUsageHelp() != plain.exitCodeOnUsageHelp()
                || spec.exitCodeOnVersionHelp() != plain.exitCodeOnVersionHelp()
                || spec.exitCodeOnInvalidInput() != plain.exitCodeOnInvalidInput()
                || spec.exitCodeOnExecutionException() != plain.exitCodeOnExecutionException()
                || !spec.usageMessage().exitCodeList().equals(plain.usageMessage().exitCodeList())) {
            return "a default value provider, resource bundle, @Unmatched, @ParentCommand, version or exit codes of its own";
        }
        for (CommandSpec mixin : spec.mixins().values()) {
            if (!mixin.mixins().isEmpty() || !mixin.specElements().isEmpty()) {
                return "a mixin with mixins or @Spec of its own";
            }
        }
        for (ArgSpec arg : spec.args()) {
            if (!(arg.userObject() instanceof Field) && owner(spec, arg) != HELP) {
                return arg + " is not a field";
            }
            if (preprocessor(arg) != NO_PREPROCESSOR || arg.inherited() || arg.interactive()
                    || arg.scopeType() != CommandLine.ScopeType.LOCAL) {
                return arg + ": a preprocessor, inherited or interactive";
            }
        }
        for (IAnnotatedElement e : spec.specElements()) {
            if (!(e.userObject() instanceof Field)) {
                return "@Spec on " + e.getName() + " is not a field";
            }
        }
        return null;
    }

    private static final String HELP = "mixinStandardHelpOptions";
    /** What an arg without a preprocessor has (picocli's no-op, not null). */
    private static final Class<?> NO_PREPROCESSOR = preprocessor(OptionSpec.builder("-x").build());

    private static Class<?> preprocessor(ArgSpec arg) {
        return arg.preprocessor() == null ? null : arg.preprocessor().getClass();
    }

    static void write(Path dir, CommandSpec spec) throws IOException {
        Files.writeString(dir.resolve(ModelFile.resource(spec.userObject().getClass())), text(spec), StandardCharsets.UTF_8);
    }

    /** The model file's text for {@code spec} (its subcommands left out: a one-liner's root has none). */
    static String text(CommandSpec spec) {
        // the texts as written: the model read from the file interpolates them at run time, as picocli does
        spec.interpolateVariables(false);
        try {
            return uninterpolated(spec);
        } finally {
            spec.interpolateVariables(null);
        }
    }

    private static String uninterpolated(CommandSpec spec) {
        StringBuilder out = new StringBuilder();
        out.append(ModelFile.line("command", spec.name()));
        for (String alias : spec.aliases()) {
            out.append(ModelFile.line("alias", alias));
        }
        // run last, as picocli runs it (lab's parser passes its options through); not the root's: a one-liner's
        // root has no subcommands for Main.Groups to add to
        if (spec.modelTransformer() != null && !(spec.userObject() instanceof Main)) {
            out.append(ModelFile.line("modelTransformer", spec.modelTransformer().getClass().getName()));
        }
        if (spec.versionProvider() != null) {
            out.append(ModelFile.line("versionProvider", spec.versionProvider().getClass().getName()));
        }
        UsageMessageSpec u = spec.usageMessage();
        out.append(ModelFile.line("description", u.description()));
        out.append(ModelFile.line("footer", u.footer()));
        out.append(ModelFile.line("header", u.header()));
        out.append(ModelFile.line("customSynopsis", u.customSynopsis()));
        out.append(ModelFile.line("sortOptions", String.valueOf(u.sortOptions())));
        out.append(ModelFile.line("showDefaultValues", String.valueOf(u.showDefaultValues())));
        out.append(ModelFile.line("abbreviateSynopsis", String.valueOf(u.abbreviateSynopsis())));
        out.append(ModelFile.line("hidden", String.valueOf(u.hidden())));
        for (String name : spec.mixins().keySet()) {
            if (!name.equals(HELP)) {
                Field f = mixinField(spec, name);
                out.append(ModelFile.line("mixin", f.getName(), f.getType().getName()));
            }
        }
        for (IAnnotatedElement e : spec.specElements()) {
            out.append(ModelFile.line("spec", ((Field) e.userObject()).getName()));
        }
        for (OptionSpec o : spec.options()) {
            OptionSpec.Builder b = o.toBuilder();
            out.append(ModelFile.line("option", b.names()));
            arg(out, spec, o, new Raw(b.type(), b.auxiliaryTypes(), b.arity(), b.paramLabel(), b.description(), b.required(),
                    b.defaultValue(), b.splitRegex(), b.splitRegexSynopsisLabel(), b.converters(), b.completionCandidates(), b.toString()));
            out.append(ModelFile.line("negatable", String.valueOf(b.negatable())));
            out.append(ModelFile.line("usageHelp", String.valueOf(b.usageHelp())));
            out.append(ModelFile.line("versionHelp", String.valueOf(b.versionHelp())));
            if (b.fallbackValue() != null) {
                out.append(ModelFile.line("fallbackValue", b.fallbackValue()));
            }
            out.append(ModelFile.line("order", String.valueOf(b.order())));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            PositionalParamSpec.Builder b = p.toBuilder();
            out.append(ModelFile.line("positional"));
            out.append(range("index", b.index()));
            arg(out, spec, p, new Raw(b.type(), b.auxiliaryTypes(), b.arity(), b.paramLabel(), b.description(), b.required(),
                    b.defaultValue(), b.splitRegex(), b.splitRegexSynopsisLabel(), b.converters(), b.completionCandidates(), b.toString()));
        }
        return out.toString();
    }

    /** The field a mixin of {@code spec} is held in ({@code @Mixin(name = ...)} may name it otherwise). */
    private static Field mixinField(CommandSpec spec, String mixinName) {
        IAnnotatedElement e = spec.mixinAnnotatedElements().get(mixinName);
        if (e == null || !(e.userObject() instanceof Field)) {
            throw new IllegalStateException(spec.name() + ": mixin " + mixinName + " is not a field");
        }
        return (Field) e.userObject();
    }

    /**
     * An arg's attributes as written in its annotation: picocli's ArgSpec interpolates some of them when asked,
     * its builder (of a class that is not public) does not.
     */
    private record Raw(Class<?> type, Class<?>[] auxiliaryTypes, Range arity, String paramLabel, String[] description,
            boolean required, String defaultValue, String splitRegex, String splitRegexSynopsisLabel, Object[] converters,
            Iterable<String> completionCandidates, String described) {
    }

    private static void arg(StringBuilder out, CommandSpec spec, ArgSpec arg, Raw b) {
        String owner = owner(spec, arg);
        if (owner != HELP) {
            String field = ((Field) arg.userObject()).getName();
            out.append(ModelFile.line("field", owner == null ? field : mixinField(spec, owner).getName() + "." + field));
        } else if (arg.initialValue() instanceof Boolean) {
            // -h/-V: their values live in picocli's own binding, not a field of ours; false, as the mixin's fields start
            out.append(ModelFile.line("initialValue", arg.initialValue().toString()));
        } else {
            throw new IllegalStateException(arg + ": a help option that is not a boolean");
        }
        out.append(ModelFile.line("type", b.type().getName()));
        out.append(ModelFile.line("auxiliaryTypes", names(b.auxiliaryTypes())));
        out.append(range("arity", b.arity()));
        out.append(ModelFile.line("paramLabel", b.paramLabel()));
        out.append(ModelFile.line("hideParamSyntax", String.valueOf(arg.hideParamSyntax())));
        out.append(ModelFile.line("argDescription", b.description()));
        if (arg.descriptionKey() != null) {
            out.append(ModelFile.line("descriptionKey", arg.descriptionKey()));
        }
        out.append(ModelFile.line("required", String.valueOf(b.required())));
        out.append(ModelFile.line("argHidden", String.valueOf(arg.hidden())));
        if (b.defaultValue() != null) {
            out.append(ModelFile.line("defaultValue", b.defaultValue()));
        }
        out.append(ModelFile.line("showDefaultValue", arg.showDefaultValue().name()));
        out.append(ModelFile.line("split", b.splitRegex()));
        out.append(ModelFile.line("splitSynopsisLabel", b.splitRegexSynopsisLabel()));
        Object[] converters = b.converters() == null ? new Object[0] : b.converters();
        out.append(ModelFile.line("converters", names(classes(converters))));
        if (b.completionCandidates() != null && !b.type().isEnum()) { // an enum's are picocli's own, from its type
            out.append(ModelFile.line("completionCandidates", b.completionCandidates().getClass().getName()));
        }
        if (arg.parameterConsumer() != null) {
            out.append(ModelFile.line("parameterConsumer", arg.parameterConsumer().getClass().getName()));
        }
        if (b.described() != null) {
            out.append(ModelFile.line("toString", b.described()));
        }
    }

    /** The mixin's name an arg came from (HELP for picocli's -h/-V), or null for the command's own. */
    private static String owner(CommandSpec spec, ArgSpec arg) {
        for (Map.Entry<String, CommandSpec> m : spec.mixins().entrySet()) {
            if (m.getValue().args().contains(arg)) {
                return m.getKey().equals(HELP) ? HELP : m.getKey();
            }
        }
        return null;
    }

    private static String range(String key, Range r) {
        // every part of it: an arity picocli inferred from the type ("unspecified") helps and parses differently
        String[] parts = {String.valueOf(r.min()), String.valueOf(r.max()), String.valueOf(r.isVariable()), String.valueOf(r.isUnspecified())};
        if (r.originalValue() != null) { // absent from the line when picocli has none
            parts = java.util.Arrays.copyOf(parts, 5);
            parts[4] = r.originalValue();
        }
        return ModelFile.line(key, parts);
    }

    private static Class<?>[] classes(Object[] objects) {
        Class<?>[] out = new Class<?>[objects.length];
        for (int i = 0; i < objects.length; i++) {
            out[i] = objects[i].getClass();
        }
        return out;
    }

    private static String[] names(Class<?>[] classes) {
        String[] out = new String[classes.length];
        for (int i = 0; i < classes.length; i++) {
            out[i] = classes[i].getName();
        }
        return out;
    }
}

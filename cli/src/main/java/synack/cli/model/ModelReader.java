package synack.cli.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;

/**
 * A command's model from the file the build wrote from its annotations ({@link ModelWriter}), built
 * with picocli's programmatic API: the same options, positionals, help texts and bindings to the
 * command's fields, without reading an annotation at run time.
 */
public final class ModelReader {
    private ModelReader() {
    }

    /** {@code command}'s model, or null when the build wrote none for its class (then it is read from the annotations). */
    public static CommandLine commandLine(Object command) {
        CommandSpec spec = spec(command);
        return spec == null ? null : new CommandLine(spec);
    }

    /** {@code command}'s model, or null without a model file. */
    public static CommandSpec spec(Object command) {
        InputStream in = ModelReader.class.getResourceAsStream(ModelFile.resource(command.getClass()));
        if (in == null) {
            return null;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return spec(command, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code command}'s model from a model file's lines (the build reads back what it wrote, {@link ModelWriter}). */
    static CommandSpec spec(Object command, BufferedReader lines) throws IOException {
        try {
            return new Build(command).read(lines);
        } catch (ReflectiveOperationException e) {
            // the file was written from these very classes by the build: a mismatch is our bug
            throw new IllegalStateException("the command model of " + command.getClass().getName() + " does not fit its class", e);
        }
    }

    /** One model being built, line by line. */
    private static final class Build {
        private final Object command;
        private final CommandSpec spec;
        private final UsageMessageSpec usage;
        private final Map<String, Object> mixins = new HashMap<>();
        private final List<String> aliases = new ArrayList<>();
        private final List<String> specFields = new ArrayList<>();
        private Arg arg;
        private CommandLine.IModelTransformer transformer;

        Build(Object command) {
            this.command = command;
            this.spec = CommandSpec.wrapWithoutInspection(command);
            this.usage = spec.usageMessage();
        }

        CommandSpec read(BufferedReader lines) throws IOException, ReflectiveOperationException {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                List<String> f = ModelFile.fields(line);
                String[] v = f.subList(1, f.size()).toArray(new String[0]);
                attribute(f.get(0), v);
            }
            add();
            spec.aliases(aliases.toArray(new String[0]));
            // as picocli: the command's transformer last, and @Spec given what it made
            CommandSpec made = transformer == null ? spec : transformer.transform(spec);
            for (String name : specFields) {
                field(command.getClass(), name).set(command, made);
            }
            return made;
        }

        private void attribute(String key, String[] v) throws ReflectiveOperationException {
            switch (key) {
                // the command
                case "command": spec.name(v[0]); break;
                case "alias": aliases.add(v[0]); break;
                case "modelTransformer": transformer = (CommandLine.IModelTransformer) instance(v[0]); break;
                case "versionProvider": spec.versionProvider((IVersionProvider) instance(v[0])); break;
                case "description": usage.description(v); break;
                case "footer": usage.footer(v); break;
                case "header": usage.header(v); break;
                case "customSynopsis": usage.customSynopsis(v); break;
                case "sortOptions": usage.sortOptions(Boolean.parseBoolean(v[0])); break;
                case "showDefaultValues": usage.showDefaultValues(Boolean.parseBoolean(v[0])); break;
                case "abbreviateSynopsis": usage.abbreviateSynopsis(Boolean.parseBoolean(v[0])); break;
                case "hidden": usage.hidden(Boolean.parseBoolean(v[0])); break;
                case "mixin": { // its field, and its class for a field that holds none yet (picocli keeps one it holds)
                    Field f = field(command.getClass(), v[0]);
                    Object mixin = f.get(command);
                    if (mixin == null) {
                        mixin = instance(v[1]);
                        f.set(command, mixin);
                    }
                    mixins.put(v[0], mixin);
                    break;
                }
                case "spec": specFields.add(v[0]); break;
                // an option or a positional parameter: its attributes gathered, then built (add)
                case "option": add(); arg = new Arg(v); break;
                case "positional": add(); arg = new Arg(null); break;
                case "index": arg.index = range(v); break;
                case "field": bind(v[0]); break;
                case "initialValue": arg.initialValue = Boolean.valueOf(v[0]); break;
                case "type": arg.type = type(v[0]); break;
                case "auxiliaryTypes": {
                    arg.auxiliaryTypes = new Class<?>[v.length];
                    for (int i = 0; i < v.length; i++) {
                        arg.auxiliaryTypes[i] = type(v[i]);
                    }
                    break;
                }
                case "arity": arg.arity = range(v); break;
                case "paramLabel": arg.paramLabel = v[0]; break;
                case "hideParamSyntax": arg.hideParamSyntax = Boolean.parseBoolean(v[0]); break;
                case "argDescription": arg.description = v; break;
                case "descriptionKey": arg.descriptionKey = v[0]; break;
                case "required": arg.required = Boolean.parseBoolean(v[0]); break;
                case "argHidden": arg.hidden = Boolean.parseBoolean(v[0]); break;
                case "defaultValue": arg.defaultValue = v[0]; break;
                case "showDefaultValue": arg.showDefaultValue = CommandLine.Help.Visibility.valueOf(v[0]); break;
                case "split": arg.splitRegex = v[0]; break;
                case "splitSynopsisLabel": arg.splitRegexSynopsisLabel = v[0]; break;
                case "converters": {
                    arg.converters = new ITypeConverter<?>[v.length];
                    for (int i = 0; i < v.length; i++) {
                        arg.converters[i] = (ITypeConverter<?>) instance(v[i]);
                    }
                    break;
                }
                case "completionCandidates": {
                    @SuppressWarnings("unchecked")
                    Iterable<String> candidates = (Iterable<String>) instance(v[0]);
                    arg.completionCandidates = candidates;
                    break;
                }
                case "parameterConsumer": arg.parameterConsumer = (IParameterConsumer) instance(v[0]); break;
                case "toString": arg.toString = v[0]; break;
                case "negatable": arg.negatable = Boolean.parseBoolean(v[0]); break;
                case "usageHelp": arg.usageHelp = Boolean.parseBoolean(v[0]); break;
                case "versionHelp": arg.versionHelp = Boolean.parseBoolean(v[0]); break;
                case "fallbackValue": arg.fallbackValue = v[0]; break;
                case "order": arg.order = Integer.parseInt(v[0]); break;
                default: throw new IllegalStateException("unknown attribute in a command model: " + key);
            }
        }

        /**
         * The option or positional read so far, added to the command. The same attributes twice: picocli's
         * builders share them in a class that is not public, so there is no type to set them through once.
         */
        private void add() {
            Arg a = arg;
            arg = null;
            if (a == null) {
                return;
            }
            if (a.names != null) {
                OptionSpec.Builder b = OptionSpec.builder(a.names).type(a.type).auxiliaryTypes(a.auxiliaryTypes).arity(a.arity)
                        .paramLabel(a.paramLabel).hideParamSyntax(a.hideParamSyntax).description(a.description).descriptionKey(a.descriptionKey)
                        .required(a.required).hidden(a.hidden).defaultValue(a.defaultValue).showDefaultValue(a.showDefaultValue).splitRegex(a.splitRegex)
                        .splitRegexSynopsisLabel(a.splitRegexSynopsisLabel).converters(a.converters)
                        .completionCandidates(a.completionCandidates).parameterConsumer(a.parameterConsumer).withToString(a.toString)
                        .initialValue(a.initialValue).hasInitialValue(true)
                        .negatable(a.negatable).usageHelp(a.usageHelp).versionHelp(a.versionHelp).fallbackValue(a.fallbackValue).order(a.order);
                if (a.field != null) {
                    b.getter(a.field).setter(a.field).userObject(a.field.field);
                }
                spec.addOption(b.build());
            } else {
                PositionalParamSpec.Builder b = PositionalParamSpec.builder().index(a.index).type(a.type).auxiliaryTypes(a.auxiliaryTypes)
                        .arity(a.arity).paramLabel(a.paramLabel).hideParamSyntax(a.hideParamSyntax).description(a.description)
                        .descriptionKey(a.descriptionKey).required(a.required).hidden(a.hidden).defaultValue(a.defaultValue).showDefaultValue(a.showDefaultValue)
                        .splitRegex(a.splitRegex).splitRegexSynopsisLabel(a.splitRegexSynopsisLabel).converters(a.converters)
                        .completionCandidates(a.completionCandidates).parameterConsumer(a.parameterConsumer).withToString(a.toString)
                        .initialValue(a.initialValue).hasInitialValue(true);
                if (a.field != null) {
                    b.getter(a.field).setter(a.field).userObject(a.field.field);
                }
                spec.addPositional(b.build());
            }
        }

        /** Binds the arg to a field of the command, or of one of its mixins ("tcp.retries"), as picocli does. */
        private void bind(String path) throws ReflectiveOperationException {
            int dot = path.indexOf('.');
            Object owner = dot < 0 ? command : mixins.get(path.substring(0, dot));
            Field field = field(owner.getClass(), path.substring(dot + 1));
            arg.field = new FieldValue(owner, field);
            arg.initialValue = field.get(owner); // as picocli reads it: what the field holds before parsing
        }
    }

    /** An option's (names) or a positional's attributes, as the model file gives them. */
    private static final class Arg {
        final String[] names;
        Range index;
        FieldValue field;
        Object initialValue;
        Class<?> type;
        Class<?>[] auxiliaryTypes;
        Range arity;
        String paramLabel;
        boolean hideParamSyntax;
        String[] description;
        String descriptionKey;
        boolean required;
        boolean hidden;
        String defaultValue;
        CommandLine.Help.Visibility showDefaultValue;
        String splitRegex;
        String splitRegexSynopsisLabel;
        ITypeConverter<?>[] converters;
        Iterable<String> completionCandidates;
        IParameterConsumer parameterConsumer;
        String toString;
        boolean negatable;
        boolean usageHelp;
        boolean versionHelp;
        String fallbackValue;
        int order;

        Arg(String[] names) {
            this.names = names;
        }
    }

    /** A field of an object as picocli reads and writes an option's value. */
    static final class FieldValue implements IGetter, ISetter {
        private final Object owner;
        private final Field field;

        FieldValue(Object owner, Field field) {
            this.owner = owner;
            this.field = field;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            try {
                return (T) field.get(owner);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public <T> T set(T value) {
            T old = get();
            try {
                field.set(owner, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            return old;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static Range range(String[] v) {
        return new Range(Integer.parseInt(v[0]), Integer.parseInt(v[1]), Boolean.parseBoolean(v[2]), Boolean.parseBoolean(v[3]),
                v.length > 4 ? v[4] : null);
    }

    private static Class<?> type(String name) throws ClassNotFoundException {
        switch (name) {
            case "boolean": return boolean.class;
            case "int": return int.class;
            case "long": return long.class;
            case "short": return short.class;
            case "byte": return byte.class;
            case "char": return char.class;
            case "double": return double.class;
            case "float": return float.class;
            default: return Class.forName(name, false, ModelReader.class.getClassLoader());
        }
    }

    private static Object instance(String className) throws ReflectiveOperationException {
        try {
            return CommandLine.defaultFactory().create(Class.forName(className, false, ModelReader.class.getClassLoader()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.nsq.daemon.flags;

import dev.nsq.protocol.GoDuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Command-line flags parsed the way Go's {@code flag} package does for NSQ's daemons:
 * {@code --name=value}, {@code --name value}, single or double dash, bare booleans, repeatable
 * string lists. Daemons declare each flag with its NSQ name, default text and help line, so
 * {@code --help} prints what NSQ users know. Pure: no I/O besides the usage text it returns.
 */
public final class FlagSet {
    /** Thrown for an unknown flag or a bad value; the message reads like Go's. */
    public static final class FlagException extends RuntimeException {
        public FlagException(String msg) { super(msg); }
    }

    private record Flag(String name, String defaultText, String help, boolean bool, Consumer<String> setter) {}

    private final String program;
    private final Map<String, Flag> flags = new LinkedHashMap<>();
    private final List<String> seen = new ArrayList<>();

    public FlagSet(String program) { this.program = program; }

    public FlagSet string(String name, String def, String help, Consumer<String> setter) {
        flags.put(name, new Flag(name, def.isEmpty() ? "" : '"' + def + '"', help, false, setter));
        return this;
    }

    public FlagSet list(String name, String help, Consumer<String> adder) {
        flags.put(name, new Flag(name, "", help, false, adder));
        return this;
    }

    public FlagSet integer(String name, long def, String help, Consumer<Long> setter) {
        flags.put(name, new Flag(name, Long.toString(def), help, false, v -> {
            try {
                setter.accept(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                throw new FlagException("invalid value \"" + v + "\" for flag -" + name + ": parse error");
            }
        }));
        return this;
    }

    public FlagSet duration(String name, long defMs, String help, Consumer<Long> setterMs) {
        flags.put(name, new Flag(name, GoDuration.format(defMs), help, false, v -> {
            try {
                setterMs.accept(GoDuration.parseMillis(v));
            } catch (IllegalArgumentException e) {
                throw new FlagException("invalid value \"" + v + "\" for flag -" + name + ": " + e.getMessage());
            }
        }));
        return this;
    }

    public FlagSet bool(String name, boolean def, String help, Consumer<Boolean> setter) {
        flags.put(name, new Flag(name, Boolean.toString(def), help, true, v -> setter.accept(parseBool(name, v))));
        return this;
    }

    /**
     * A flag that is boolean on the command line (a bare {@code -name} means "true", a value needs
     * {@code -name=value}) but takes other words too, as NSQ's {@code --tls-required} (true, false,
     * tcp-https).
     */
    public FlagSet boolOrString(String name, String def, String help, Consumer<String> setter) {
        flags.put(name, new Flag(name, def, help, true, setter));
        return this;
    }

    static boolean parseBool(String name, String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new FlagException("invalid boolean value \"" + v + "\" for -" + name + ": parse error");
        };
    }

    public boolean has(String name) { return flags.containsKey(name); }

    /** Flags given on the command line, in order (so a config file can fill in only the others). */
    public List<String> seen() { return seen; }

    /** Applies one flag by name, as a config file does (key with '_' is turned into '-'). */
    public void set(String name, String value) {
        Flag f = flags.get(name);
        if (f == null) throw new FlagException("flag provided but not defined: -" + name);
        f.setter.accept(value);
    }

    /** Parses args; returns the non-flag arguments. */
    public List<String> parse(String... args) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                for (int j = i + 1; j < args.length; j++) rest.add(args[j]);
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) { rest.add(a); continue; }
            String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String name = body, value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) { name = body.substring(0, eq); value = body.substring(eq + 1); }
            Flag f = flags.get(name);
            if (f == null) throw new FlagException("flag provided but not defined: -" + name);
            if (value == null) {
                if (f.bool) value = "true";
                else if (i + 1 < args.length) value = args[++i];
                else throw new FlagException("flag needs an argument: -" + name);
            }
            f.setter.accept(value);
            seen.add(name);
        }
        return rest;
    }

    /** The usage text, one flag per entry as Go prints it. */
    public String usage() {
        StringBuilder b = new StringBuilder("Usage of ").append(program).append(":\n");
        for (Flag f : flags.values()) {
            b.append("  -").append(f.name);
            if (!f.bool) b.append(" value");
            b.append("\n    \t").append(f.help);
            if (!f.defaultText.isEmpty() && !f.defaultText.equals("false") && !f.defaultText.equals("0"))
                b.append(" (default ").append(f.defaultText).append(')');
            b.append('\n');
        }
        return b.toString();
    }
}

package dev.nsq.daemon;

import dev.nsq.daemon.flags.ConfigFile;
import dev.nsq.daemon.flags.FlagSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The options every NSQ daemon has (NSQ's "basic" group: {@code --help}, {@code --version},
 * {@code --config}, {@code --log-level}, {@code --log-prefix}, {@code --verbose}) and the one way
 * they are resolved: flag > {@code --config} file > default.
 */
public abstract class DaemonOptions {
    public String logLevel = "info";
    public String logPrefix;
    public boolean showVersion;
    public boolean showHelp;
    /** Keys of the config file that name no option (NSQ skips them too); logged at startup. */
    public List<String> ignoredConfigKeys = List.of();
    private String configPath = "";

    protected DaemonOptions(String logPrefix) { this.logPrefix = logPrefix; }

    /** Every flag of the daemon, bound to this instance. */
    public abstract FlagSet flagSet();

    /** Declares the basic flags on a daemon's flag set; call first so they lead the usage. */
    protected final void basicFlags(FlagSet f) {
        f.bool("help", false, "print usage and exit", v -> showHelp = v);
        f.bool("h", false, "print usage and exit", v -> showHelp = v);
        f.string("config", "", "path to config file", v -> configPath = v);
        f.bool("version", false, "print version string", v -> showVersion = v);
        f.string("log-level", "info", "set log verbosity: debug, info, warn, error, or fatal", v -> logLevel = v);
        f.string("log-prefix", logPrefix, "log message prefix", v -> logPrefix = v);
        f.bool("verbose", false, "[deprecated] has no effect, use --log-level", v -> { });
    }

    /**
     * Parses the arguments, then fills what they left out from {@code --config} (unless only help or
     * the version is asked for).
     *
     * @param configAliases NSQ's config names that are not the flag name with underscores
     */
    protected final void parse(String[] args, Map<String, String> configAliases) {
        FlagSet f = flagSet();
        f.parse(args);
        if (configPath.isEmpty() || showHelp || showVersion) return;
        try {
            ignoredConfigKeys = ConfigFile.apply(f, Path.of(configPath), configAliases);
        } catch (IOException e) {
            throw new FlagSet.FlagException("failed to load config file " + configPath + " - " + e.getMessage());
        }
    }
}

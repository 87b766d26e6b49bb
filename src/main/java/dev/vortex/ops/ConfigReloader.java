package dev.vortex.ops;

import dev.vortex.config.ConfigDiff;
import dev.vortex.config.ConfigException;
import dev.vortex.config.Reloadable;
import dev.vortex.config.VortexConfig;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SIGHUP: loads the configuration again (file, environment and flags of the start) and hands it
 * to every {@link Reloadable} step in order. An invalid file changes nothing: every problem is
 * logged, counted ({@code vortex_config_reloads_total{result="invalid"}}) and shown on the status
 * page. Settings only a restart can apply are logged and kept at their running values. One
 * reload runs at a time.
 */
public final class ConfigReloader {
    private static final Log LOG = Log.of(ConfigReloader.class);
    private static final List<String> RESULTS = List.of("ok", "unchanged", "invalid", "failed");

    /** Loads the configuration as at start ({@code running} is the one in effect); throws with every problem. */
    public interface Source {
        VortexConfig load(VortexConfig running) throws ConfigException;
    }

    /**
     * The outcome of the last reload.
     *
     * @param result      {@code ok}, {@code unchanged}, {@code invalid} (the file was refused) or {@code failed} (a step threw)
     * @param problems    what made it invalid or failed
     * @param changed     settings applied
     * @param needRestart settings changed in the file that only a restart applies
     */
    public record Status(Instant at, String result, List<String> problems, List<String> changed, List<String> needRestart) {
        public Status {
            problems = List.copyOf(problems);
            changed = List.copyOf(changed);
            needRestart = List.copyOf(needRestart);
        }

        /** For the status page (open without a token): the outcome and counts, no details (those are in the log). */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at.toString());
            m.put("result", result);
            m.put("problems", problems.size());
            m.put("changed", changed.size());
            m.put("need_restart", needRestart);
            return m;
        }
    }

    private final Source source;
    private final List<Reloadable> steps;
    private final InstantSource clock;
    private final Metrics.Counter reloads;
    private VortexConfig running;
    private volatile Status last;

    public ConfigReloader(VortexConfig running, Source source, List<Reloadable> steps, Metrics metrics, InstantSource clock) {
        this.running = running;
        this.source = source;
        this.steps = List.copyOf(steps);
        this.clock = clock;
        this.reloads = metrics.counter("vortex_config_reloads_total", "Configuration reloads (SIGHUP) by result", "result");
        RESULTS.forEach(r -> reloads.add(0, r));
        metrics.gauge("vortex_config_last_reload_successful", "1 when the last configuration reload was applied (or none ran), 0 when it was refused or failed",
                () -> last == null || last.result().equals("ok") || last.result().equals("unchanged") ? 1 : 0);
    }

    public synchronized VortexConfig running() {
        return running;
    }

    /** The last reload, if one ran. */
    public Optional<Status> last() {
        return Optional.ofNullable(last);
    }

    /** Loads and applies the configuration; returns what happened (also logged and counted). */
    public synchronized Status reload() {
        VortexConfig loaded;
        try {
            loaded = source.load(running);
        } catch (ConfigException e) {
            e.problems().forEach(p -> LOG.error("configuration reload refused, the running configuration stays", "problem", p));
            return finish(new Status(clock.instant(), "invalid", e.problems(), List.of(), List.of()));
        }
        ConfigDiff wanted = ConfigDiff.between(running, loaded);
        wanted.needRestart().forEach(k -> LOG.warn("setting changed, applies only after a restart", "key", k));
        VortexConfig next = ConfigDiff.applicable(running, loaded);
        ConfigDiff diff = ConfigDiff.between(running, next);
        for (Reloadable step : steps) {
            try {
                step.reload(next, diff);
            } catch (Exception e) {
                LOG.error("configuration reload failed", e, "step", step.getClass().getSimpleName());
                String problem = step.getClass().getSimpleName() + ": " + e.getMessage();
                return finish(new Status(clock.instant(), "failed", List.of(problem), List.of(), wanted.needRestart()));
            }
        }
        running = next;
        LOG.info("configuration reloaded", "changed", String.join(",", diff.changed()),
                "repos_added", String.join(",", diff.reposAdded()), "repos_removed", String.join(",", diff.reposRemoved()),
                "repos_changed", String.join(",", diff.reposChanged()), "need_restart", String.join(",", wanted.needRestart()));
        return finish(new Status(clock.instant(), diff.isEmpty() ? "unchanged" : "ok", List.of(), diff.changed(), wanted.needRestart()));
    }

    private Status finish(Status s) {
        reloads.inc(s.result());
        last = s;
        return s;
    }
}

package dev.vortex.ops;

import java.util.Arrays;
import java.util.List;

/**
 * Who made a request, and what it may do. {@link #ANYONE} stands for "no authentication
 * configured": every scope. Applications named as a comma list ({@code a,b}) need every name.
 */
public record Principal(String name, List<Scope> scopes) {
    /** No principals configured: everyone may do everything. */
    public static final Principal ANYONE = new Principal("-", List.of(Scope.ADMIN,
            new Scope(Scope.Kind.READ, "*", null), new Scope(Scope.Kind.WATCH, "*", null)));

    public Principal {
        scopes = List.copyOf(scopes);
    }

    /** May read {@code app} from some repository (checked before the repository is looked up, so a refusal tells nothing). */
    public boolean mayReadApp(String app) {
        return mayRead(app, null);
    }

    /** May read {@code app} served by {@code repo} (null: from any repository). */
    public boolean mayRead(String app, String repo) {
        return every(app, a -> scopes.stream().anyMatch(s -> s.reads(a, repo)));
    }

    /**
     * May subscribe to {@code app} over the WebSocket: a {@code watch} scope, and a {@code read}
     * scope too, since snapshots and diffs carry the (decrypted) values.
     */
    public boolean mayWatch(String app) {
        return every(app, this::watchesAndReads);
    }

    // loops, not streams: a change to a file every application reads asks this for each of 20,000 targets
    private boolean watchesAndReads(String app) {
        boolean watches = false;
        boolean reads = false;
        for (Scope s : scopes) {
            watches |= s.watches(app);
            reads |= s.reads(app, null);
        }
        return watches && reads;
    }

    public boolean admin() {
        return scopes.contains(Scope.ADMIN);
    }

    private static boolean every(String app, java.util.function.Predicate<String> ok) {
        if (app.indexOf(',') < 0) {
            return !app.isEmpty() && ok.test(app);
        }
        return Arrays.stream(app.split(",", -1)).allMatch(a -> !a.isEmpty() && ok.test(a));
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.vortex.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

/**
 * Credentials read from a repository's {@code credentials-file}: either one line {@code user:token}
 * (used for every URL of the repository) or netrc-style entries {@code machine H login U password P}
 * (and {@code default login U password P}), matched by the URL's host. The file is read at every
 * fetch, so a rotated token takes effect without a restart. Nothing read here is ever put in a
 * message: errors name the file and the expected format only.
 */
final class Credentials extends CredentialsProvider {
    private final List<Entry> entries;

    private record Entry(String machine, String login, char[] password) {
        // machine null = applies to every host
    }

    private Credentials(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The provider for {@code file}, or empty when the repository has no credentials file. */
    static Optional<CredentialsProvider> load(Optional<Path> file) throws IOException {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("read credentials file " + file.get() + ": " + e.getClass().getSimpleName());
        }
        return Optional.of(parse(text, file.get().toString()));
    }

    static Credentials parse(String text, String where) throws IOException {
        List<String> tokens = List.of(text.trim().split("\\s+"));
        if (tokens.contains("machine") || tokens.contains("default")) {
            return new Credentials(netrc(tokens, where));
        }
        String line = text.strip();
        int colon = line.indexOf(':');
        if (line.isEmpty() || line.contains("\n") || colon <= 0) {
            throw badFormat(where);
        }
        return new Credentials(List.of(new Entry(null, line.substring(0, colon), line.substring(colon + 1).toCharArray())));
    }

    private static List<Entry> netrc(List<String> tokens, String where) throws IOException {
        List<Entry> found = new ArrayList<>();
        String machine = null;
        String login = null;
        String password = null;
        boolean open = false;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            switch (t) {
                case "machine", "default" -> {
                    if (open) {
                        found.add(entry(machine, login, password, where));
                    }
                    open = true;
                    login = null;
                    password = null;
                    machine = null;
                    if (t.equals("machine")) {
                        machine = value(tokens, ++i, where).toLowerCase(Locale.ROOT);
                    }
                }
                case "login" -> login = value(tokens, ++i, where);
                case "password" -> password = value(tokens, ++i, where);
                case "account" -> value(tokens, ++i, where);
                default -> throw badFormat(where);
            }
        }
        if (open) {
            found.add(entry(machine, login, password, where));
        }
        return found;
    }

    private static Entry entry(String machine, String login, String password, String where) throws IOException {
        if (login == null || password == null) {
            throw badFormat(where);
        }
        return new Entry(machine, login, password.toCharArray());
    }

    private static String value(List<String> tokens, int i, String where) throws IOException {
        if (i >= tokens.size()) {
            throw badFormat(where);
        }
        return tokens.get(i);
    }

    private static IOException badFormat(String where) {
        return new IOException("credentials file " + where
                + ": expected one line 'user:token' or netrc entries 'machine HOST login USER password TOKEN'");
    }

    private Optional<Entry> forHost(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return entries.stream().filter(e -> h.equals(e.machine())).findFirst()
                .or(() -> entries.stream().filter(e -> e.machine() == null).findFirst());
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem item : items) {
            if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) {
        Optional<Entry> e = forHost(uri.getHost());
        if (e.isEmpty()) {
            return false;
        }
        for (CredentialItem item : items) {
            if (item instanceof CredentialItem.Username u) {
                u.setValue(e.get().login());
            } else if (item instanceof CredentialItem.Password p) {
                p.setValue(e.get().password().clone());
            } else {
                return false;
            }
        }
        return true;
    }
}

package dev.vortex.render;

import dev.vortex.config.RepoConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Plain files ({@code /{app}/{profile}/{label}/{path}}) found the way Spring Cloud Config's ResourceRepository finds them. */
final class PlainFiles {
    private PlainFiles() {
    }

    /**
     * Locations from the highest (last search path) down to the root; in each, {@code name-{p}.ext}
     * for every profile as listed ({@code default} means the plain name), then {@code name.ext}.
     */
    static Optional<CommitFiles.Entry> find(RepoConfig repo, CommitFiles files, Query q, String path) {
        List<String> locations = SearchPaths.forRequest(repo.searchPaths(), q.app(), q.profileList(), q.labelOrDefault(), files);
        Set<String> candidates = new LinkedHashSet<>();
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        boolean hasExtension = dot > slash + 1;
        for (String p : q.profileList()) {
            if (p.equals("default")) {
                candidates.add(path);
            } else {
                candidates.add(hasExtension ? path.substring(0, dot) + "-" + p + path.substring(dot) : path + "-" + p);
            }
        }
        candidates.add(path);
        for (int l = locations.size() - 1; l >= 0; l--) {
            String location = locations.get(l);
            for (String candidate : candidates) {
                Optional<CommitFiles.Entry> e = files.file(SearchPaths.child(location, candidate));
                if (e.isPresent()) {
                    return e;
                }
            }
        }
        return Optional.empty();
    }

    /** The text when the bytes are NUL-free UTF-8, else null: a binary file, served untouched. */
    static String text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

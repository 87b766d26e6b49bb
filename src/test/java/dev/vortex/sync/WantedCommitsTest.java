package dev.vortex.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WantedCommitsTest {
    private static final String C1 = "1".repeat(40);
    private static final String C2 = "2".repeat(40);

    @Test
    void onePushedRefAndCommit_announceTheRefAtThatCommit_untilARunTakesThem() {
        WantedCommits wants = new WantedCommits();
        wants.add(Set.of(C1), Set.of("refs/heads/main"));
        wants.add(Set.of(C2), Set.of("refs/heads/main"));

        WantedCommits.Pushed taken = wants.takeRefs();

        assertEquals(Set.of("refs/heads/main"), taken.refs());
        assertEquals(Map.of("refs/heads/main", C2), taken.announced(), "the later push wins");
        assertEquals(new WantedCommits.Pushed(Set.of(), Map.of()), wants.takeRefs());
    }

    @Test
    void aPushOfSeveralCommitsOrRefs_announcesNothingForThem() {
        WantedCommits wants = new WantedCommits();
        wants.add(Set.of(C1), Set.of("refs/heads/main"));
        wants.add(Set.of(C1, C2), Set.of("refs/heads/main"));
        wants.add(Set.of(C2), Set.of("refs/heads/a", "refs/heads/b"));

        WantedCommits.Pushed taken = wants.takeRefs();

        assertEquals(Set.of("refs/heads/main", "refs/heads/a", "refs/heads/b"), taken.refs());
        assertEquals(Map.of(), taken.announced(), "which commit each ref is at is not known");
    }
}

package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class InventoryTest {
    @Test
    void forEachProfile_visitsWhatProfilesLists_eachOnce() {
        Inventory inv = Inventory.of(Map.of("orders", Set.of("prod", "eu", "default"), "billing", Set.of(), "shop", Set.of("dev")),
                Set.of("eu", "dev"));
        for (String app : List.of("orders", "billing", "shop", "unknown")) {
            List<String> visited = new ArrayList<>();
            inv.forEachProfile(app, visited::add);
            assertEquals(inv.profiles(app), new TreeSet<>(visited), app);
            assertEquals(inv.profiles(app).size(), visited.size(), app + ": each once");
        }
        Inventory sharedDefault = Inventory.of(Map.of("orders", Set.of("prod")), Set.of("default"));
        List<String> visited = new ArrayList<>();
        sharedDefault.forEachProfile("orders", visited::add);
        assertEquals(List.of("default", "prod"), visited.stream().sorted().toList());
    }
}

package dev.vortex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A child process's CPU time from {@code /proc} (Linux, 10 ms ticks), in all and by thread. */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** The CPU time (user + system) the process has used, in ms ({@code /proc/<pid>/stat}, 10 ms ticks). */
    static double totalMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
    }

    /** Each thread's CPU time in ms by {@code name/tid} ({@code /proc/<pid>/task}, names cut to 15 characters by the kernel). */
    static Map<String, Long> byThreadMs(long pid) throws IOException {
        Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')) + "/" + t.getFileName();
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return out;
    }

    /** Where {@code whose} CPU went between two readings, by kind of thread (JIT compilers, carriers, hub, GC in the VM thread…). */
    static void print(String whose, Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> byKind = new java.util.HashMap<>();
        after.forEach((k, v) -> byKind.merge(k.substring(0, k.lastIndexOf('/')).replaceAll("[-#0-9]+$", ""),
                v - before.getOrDefault(k, 0L), Long::sum));
        StringBuilder sb = new StringBuilder("  " + whose + " CPU by thread during the change:");
        byKind.entrySet().stream().filter(e -> e.getValue() >= 10).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> sb.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(" ms,"));
        System.out.println(sb.substring(0, sb.length() - 1));
    }
}

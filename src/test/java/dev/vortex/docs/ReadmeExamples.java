package dev.vortex.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown file, as examples. A {@code sh}, {@code bash},
 * {@code shell} or {@code console} block is a shell example, a {@code java} block a Java one; any
 * other block ({@code json}, {@code yaml}, {@code ini}, none) is data shown, not run. An example
 * that cannot run as printed is marked on the line right before its fence with
 * {@code <!-- example: illustrative (the reason) -->}; the reason is required.
 */
final class ReadmeExamples {
    private static final Pattern FENCE = Pattern.compile("^```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern MARK = Pattern.compile("^<!--\\s*example:\\s*illustrative\\s*(?:\\((.*)\\))?\\s*-->\\s*$");
    private static final List<String> SHELL = List.of("sh", "bash", "shell", "console");

    enum Kind { SHELL, JAVA, DATA }

    /**
     * @param line   1-based line of the opening fence
     * @param reason why it is only illustrative, or null for an example that runs
     */
    record Block(int line, String lang, String text, String reason) {
        Kind kind() {
            return SHELL.contains(lang) ? Kind.SHELL : lang.equals("java") ? Kind.JAVA : Kind.DATA;
        }

        boolean illustrative() {
            return reason != null;
        }

        /** The commands of the block: a {@code console} block's {@code $ } lines, any other block whole. */
        String script() {
            if (!lang.equals("console")) {
                return text;
            }
            StringBuilder sb = new StringBuilder();
            for (String l : text.split("\n", -1)) {
                if (l.startsWith("$ ")) {
                    sb.append(l.substring(2)).append('\n');
                }
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return "README.md:" + line + " (" + (lang.isEmpty() ? "no language" : lang) + ")";
        }
    }

    private ReadmeExamples() {
    }

    /** Every fenced block in order; a mark without a reason, or not followed by a fence, is an error. */
    static List<Block> parse(String markdown) {
        String[] lines = markdown.split("\n", -1);
        List<Block> blocks = new ArrayList<>();
        String pendingReason = null;
        int markLine = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher mark = MARK.matcher(lines[i].strip());
            if (mark.matches()) {
                if (mark.group(1) == null || mark.group(1).isBlank()) {
                    throw new IllegalArgumentException("README.md:" + (i + 1) + ": an illustrative example needs a reason: "
                            + "<!-- example: illustrative (why it cannot run as printed) -->");
                }
                pendingReason = mark.group(1).strip();
                markLine = i + 1;
                continue;
            }
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                if (pendingReason != null) {
                    throw new IllegalArgumentException("README.md:" + markLine + ": the illustrative mark must be the line right before a fence");
                }
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
                text.append(lines[i]).append('\n');
            }
            if (i == lines.length) {
                throw new IllegalArgumentException("README.md:" + (start + 1) + ": fence never closed");
            }
            blocks.add(new Block(start + 1, open.group(1).toLowerCase(), text.toString(), pendingReason));
            pendingReason = null;
        }
        return blocks;
    }
}

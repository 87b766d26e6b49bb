package dev.vortex.render;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A document activation condition as Spring reads it: a comma list of profile expressions, the
 * document active when any of them matches. An expression is a profile name, {@code !e},
 * {@code e & e}, {@code e | e} or {@code (e)}; mixing {@code &} and {@code |} needs parentheses.
 */
final class ProfileExpression {
    private final String text;
    private final List<Node> alternatives;

    private ProfileExpression(String text, List<Node> alternatives) {
        this.text = text;
        this.alternatives = List.copyOf(alternatives);
    }

    /** Parses {@code prod}, {@code prod,eu}, {@code !dev}, {@code prod & (eu | us)}; IllegalArgumentException when malformed. */
    static ProfileExpression parse(String text) {
        List<Node> alternatives = new ArrayList<>();
        for (String part : text.split(",")) {
            String expression = part.trim();
            if (expression.isEmpty()) {
                throw new IllegalArgumentException("malformed profile expression '" + text + "': empty element");
            }
            Parser p = new Parser(text, expression);
            Node n = p.sequence();
            if (p.pos < expression.length()) {
                throw p.malformed("unexpected ')'");
            }
            alternatives.add(n);
        }
        return new ProfileExpression(text, alternatives);
    }

    boolean matches(Collection<String> activeProfiles) {
        for (Node n : alternatives) {
            if (n.matches(activeProfiles)) {
                return true;
            }
        }
        return false;
    }

    /** Every profile name the condition mentions (negated ones included). */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        alternatives.forEach(n -> n.collect(names));
        return names;
    }

    @Override
    public String toString() {
        return text;
    }

    private sealed interface Node permits Name, Not, All, Any {
        boolean matches(Collection<String> active);

        void collect(Set<String> names);
    }

    private record Name(String name) implements Node {
        public boolean matches(Collection<String> active) {
            return active.contains(name);
        }

        public void collect(Set<String> names) {
            names.add(name);
        }
    }

    private record Not(Node node) implements Node {
        public boolean matches(Collection<String> active) {
            return !node.matches(active);
        }

        public void collect(Set<String> names) {
            node.collect(names);
        }
    }

    private record All(List<Node> nodes) implements Node {
        public boolean matches(Collection<String> active) {
            return nodes.stream().allMatch(n -> n.matches(active));
        }

        public void collect(Set<String> names) {
            nodes.forEach(n -> n.collect(names));
        }
    }

    private record Any(List<Node> nodes) implements Node {
        public boolean matches(Collection<String> active) {
            return nodes.stream().anyMatch(n -> n.matches(active));
        }

        public void collect(Set<String> names) {
            nodes.forEach(n -> n.collect(names));
        }
    }

    /** Recursive descent: sequence := unary (op unary)* with one operator kind per level. */
    private static final class Parser {
        private final String whole;
        private final String s;
        private int pos;
        private int depth;

        Parser(String whole, String s) {
            this.whole = whole;
            this.s = s;
        }

        Node sequence() {
            List<Node> nodes = new ArrayList<>();
            nodes.add(unary());
            char op = 0;
            while (true) {
                skipSpaces();
                if (pos >= s.length() || s.charAt(pos) == ')') {
                    break;
                }
                char c = s.charAt(pos);
                if (c != '&' && c != '|') {
                    throw malformed("expected '&' or '|' at position " + pos);
                }
                if (op != 0 && op != c) {
                    throw malformed("'&' and '|' mixed without parentheses");
                }
                op = c;
                pos++;
                nodes.add(unary());
            }
            if (nodes.size() == 1) {
                return nodes.get(0);
            }
            return op == '&' ? new All(List.copyOf(nodes)) : new Any(List.copyOf(nodes));
        }

        private Node unary() {
            skipSpaces();
            if (pos >= s.length()) {
                throw malformed("ends where a profile was expected");
            }
            char c = s.charAt(pos);
            if (c == '!') {
                pos++;
                return new Not(unary());
            }
            if (c == '(') {
                if (++depth > 32) {
                    throw malformed("nested too deeply");
                }
                pos++;
                Node inner = sequence();
                skipSpaces();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw malformed("missing ')'");
                }
                pos++;
                depth--;
                return inner;
            }
            int start = pos;
            while (pos < s.length() && "()&|!".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String name = s.substring(start, pos).trim();
            if (name.isEmpty()) {
                throw malformed("expected a profile at position " + start);
            }
            return new Name(name);
        }

        private void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException malformed(String why) {
            return new IllegalArgumentException("malformed profile expression '" + whole + "': " + why);
        }
    }
}

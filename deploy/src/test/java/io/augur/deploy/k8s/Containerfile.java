package io.augur.deploy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A Containerfile of deploy/images, read as buildah reads the instructions these files use: ARG
 * (with defaults substituted into FROM), FROM, LABEL, COPY (with --chown), USER, EXPOSE, ENTRYPOINT
 * and CMD in their JSON form. Comments and line continuations are handled; any other instruction is
 * reported, so that a check never silently misses what an image does.
 */
record Containerfile(
        Path file,
        String from,
        Map<String, String> labels,
        List<Copy> copies,
        String user,
        Set<Integer> exposed,
        List<String> entrypoint,
        List<String> cmd,
        List<String> unknown) {

    /** One COPY: its source in the build context and its destination in the image. */
    record Copy(String source, String destination, String chown) {}

    private static final Pattern ARG_REF = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
    private static final Pattern LABEL_PAIR =
            Pattern.compile("([A-Za-z0-9_.-]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

    static Containerfile parse(Path file) throws IOException {
        String from = null;
        Map<String, String> args = new HashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        List<Copy> copies = new ArrayList<>();
        String user = null;
        Set<Integer> exposed = new TreeSet<>();
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        List<String> unknown = new ArrayList<>();
        for (String line : instructions(Files.readString(file))) {
            String[] parts = line.split("\\s+", 2);
            String op = parts[0].toUpperCase(java.util.Locale.ROOT);
            String rest = parts.length > 1 ? parts[1].trim() : "";
            switch (op) {
                case "ARG" -> {
                    String[] kv = rest.split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                case "FROM" -> {
                    if (from == null) {
                        Matcher m = ARG_REF.matcher(rest.split("\\s+")[0]);
                        StringBuilder sb = new StringBuilder();
                        while (m.find()) {
                            m.appendReplacement(
                                    sb,
                                    Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
                        }
                        m.appendTail(sb);
                        from = sb.toString();
                    } else {
                        unknown.add("a second FROM: " + rest);
                    }
                }
                case "LABEL" -> {
                    Matcher m = LABEL_PAIR.matcher(rest);
                    while (m.find()) {
                        String v = m.group(2);
                        labels.put(
                                m.group(1),
                                v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
                    }
                }
                case "COPY" -> {
                    List<String> words = new ArrayList<>(List.of(rest.split("\\s+")));
                    String chown = null;
                    while (!words.isEmpty() && words.get(0).startsWith("--")) {
                        String flag = words.remove(0);
                        if (flag.startsWith("--chown=")) {
                            chown = flag.substring("--chown=".length());
                        }
                    }
                    String destination = words.remove(words.size() - 1);
                    for (String source : words) {
                        copies.add(new Copy(source, destination, chown));
                    }
                }
                case "USER" -> user = rest;
                case "EXPOSE" -> {
                    for (String p : rest.split("\\s+")) {
                        exposed.add(Integer.valueOf(p.replaceAll("/.*", "")));
                    }
                }
                case "ENTRYPOINT" -> entrypoint = json(rest, file);
                case "CMD" -> cmd = json(rest, file);
                default -> unknown.add(line);
            }
        }
        return new Containerfile(
                file, from, labels, copies, user, exposed, entrypoint, cmd, unknown);
    }

    /** The instructions, one a line: comments dropped, continued lines joined. */
    static List<String> instructions(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continued = line.endsWith("\\");
            current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continued) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    /** ENTRYPOINT and CMD in exec form: a JSON array of strings (YAML reads JSON). */
    private static List<String> json(String text, Path file) {
        Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(
                    file + ": ENTRYPOINT and CMD must be JSON arrays (exec form), got " + text);
        }
        return l.stream().map(Object::toString).toList();
    }

    /** The image-side path a COPY puts a context file at (destinations ending in / are dirs). */
    boolean copiesTo(String path) {
        for (Copy c : copies) {
            String d = c.destination();
            if (d.endsWith("/") ? path.startsWith(d) || path.equals(d) : path.equals(d)) {
                return true;
            }
        }
        return false;
    }

    /** The user's numeric uid, or -1 when none or a name is given. */
    int uid() {
        if (user == null) {
            return 0;
        }
        String u = user.split(":")[0];
        return u.matches("\\d+") ? Integer.parseInt(u) : u.equals("root") ? 0 : -1;
    }
}

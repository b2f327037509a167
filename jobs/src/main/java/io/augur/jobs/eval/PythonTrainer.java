package io.augur.jobs.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Trains a sequence model with the notebook's trainer, {@code /usr/bin/python3 -m
 * augur_sequences.train} run from {@code notebooks/}: its progress (stderr) is passed through, and
 * the last stdout line {@code MODEL <version-dir>} names what it wrote.
 */
final class PythonTrainer {
    static final String PYTHON = "/usr/bin/python3";

    private final Path notebooks;
    private final String python;

    /** The end-of-session token an HDFS model is trained with. */
    static final String HDFS_END_TOKEN = "<end>";

    PythonTrainer(Path notebooks, String python) {
        this.notebooks = notebooks;
        this.python = python;
    }

    /** The command line, for the given options. */
    List<String> command(
            SequenceFormat format,
            List<Path> train,
            Path out,
            String role,
            OptionalInt window,
            OptionalInt topG,
            OptionalInt epochs,
            boolean quick) {
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "augur_sequences.train"));
        cmd.add("--format");
        cmd.add(format.cliName());
        for (Path t : train) {
            cmd.add("--train");
            cmd.add(t.toAbsolutePath().toString());
        }
        cmd.addAll(List.of("--out", out.toAbsolutePath().toString(), "--role", role));
        window.ifPresent(h -> cmd.addAll(List.of("--window", Integer.toString(h))));
        topG.ifPresent(g -> cmd.addAll(List.of("--top-g", Integer.toString(g))));
        epochs.ifPresent(e -> cmd.addAll(List.of("--epochs", Integer.toString(e))));
        if (format == SequenceFormat.HDFS) {
            // A session that stops early is itself the anomaly in HDFS (2-3 key sessions): an end
            // token makes the end a scored event, as the shipped hdfs model was trained
            // (docs/benchmarks.md, Sequence model).
            cmd.addAll(List.of("--end-token", HDFS_END_TOKEN));
        }
        if (quick) {
            cmd.add("--quick");
        }
        return cmd;
    }

    /**
     * Runs the trainer; returns the version directory it wrote.
     *
     * @throws IOException with what to do when python or torch is missing, or the trainer fails
     */
    Path train(List<String> command, PrintStream progress)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(python))) {
            throw new IOException(
                    python
                            + " not found: training needs Debian's python3 and python3-torch"
                            + " (apt-get install python3-torch; ./augur test installs them)");
        }
        if (!Files.isDirectory(notebooks.resolve("augur_sequences"))) {
            throw new IOException(
                    "the trainer is missing: no "
                            + notebooks.resolve("augur_sequences")
                            + " (set AUGUR_HOME to the Augur checkout)");
        }
        Process torch =
                new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
        String torchOut = new String(torch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (torch.waitFor() != 0) {
            throw new IOException(
                    "PyTorch is not importable by "
                            + python
                            + " (apt-get install python3-torch; ./augur test installs it): "
                            + torchOut.strip().lines().reduce((a, b) -> b).orElse(""));
        }
        progress.println("training: " + String.join(" ", command));
        Process p =
                new ProcessBuilder(command)
                        .directory(notebooks.toFile())
                        .redirectError(ProcessBuilder.Redirect.PIPE)
                        .start();
        p.getOutputStream().close();
        Thread errPump =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getErrorStream(), StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    progress.println("  train: " + line);
                                }
                            } catch (IOException e) {
                                progress.println("  train: (stderr lost: " + e + ")");
                            }
                        },
                        "trainer-stderr");
        errPump.start();
        String last = null;
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        int code = p.waitFor();
        errPump.join();
        if (code != 0) {
            throw new IOException("the trainer failed (exit " + code + "); its messages are above");
        }
        if (last == null || !last.startsWith("MODEL ")) {
            throw new IOException(
                    "the trainer ended without its 'MODEL <dir>' line (last line: " + last + ")");
        }
        return Path.of(last.substring("MODEL ".length()).trim());
    }
}

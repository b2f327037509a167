package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.schema.InvocationKind;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvocationsTsvTest {
    @TempDir Path dir;

    @Test
    void writesTheHeaderAndOneTabSeparatedLinePerTraceWithSpaceSeparatedCalls() throws Exception {
        Path file = dir.resolve("invocations.tsv");
        try (InvocationsTsv tsv = InvocationsTsv.create(file)) {
            tsv.append(
                    new InvocationsTsv.Trace(
                            "benign",
                            "shop-1",
                            "service",
                            InvocationKind.METHOD,
                            List.of("a.B#parse", "a.B#price")));
            tsv.append(
                    new InvocationsTsv.Trace(
                            "hostile",
                            "job-7",
                            "worker",
                            InvocationKind.SYSCALL,
                            List.of("openat", "read", "connect")));
            assertThat(tsv.lines()).isEqualTo(2);
            assertThat(tsv.calls()).isEqualTo(5);
            // Valid after every line: flushed as written.
            assertThat(Files.readAllLines(file)).hasSize(3);
        }
        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "label\ttrace\trole\tkind\tcalls",
                        "benign\tshop-1\tservice\tMETHOD\ta.B#parse a.B#price",
                        "hostile\tjob-7\tworker\tSYSCALL\topenat read connect");
        assertThat(InvocationsTsv.read(file))
                .extracting(InvocationsTsv.Trace::trace, InvocationsTsv.Trace::calls)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "shop-1", List.of("a.B#parse", "a.B#price")),
                        org.assertj.core.groups.Tuple.tuple(
                                "job-7", List.of("openat", "read", "connect")));
    }

    @Test
    void callNamesWithWhitespaceControlCharactersOrPercentArePercentEncodedAndReadBack()
            throws Exception {
        List<String> odd = List.of("K#a b", "K#tab\there", "K#line\nbreak", "K#100%", "K#ünï");
        assertThat(odd.stream().map(InvocationsTsv::escape))
                .containsExactly("K#a%20b", "K#tab%09here", "K#line%0Abreak", "K#100%25", "K#ünï");
        Path file = dir.resolve("odd.tsv");
        try (InvocationsTsv tsv = InvocationsTsv.create(file)) {
            tsv.append(new InvocationsTsv.Trace("benign", "t", "r", InvocationKind.METHOD, odd));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).split("\t")).hasSize(5);
        assertThat(lines.get(1).split("\t")[4].split(" ")).hasSize(odd.size());
        assertThat(InvocationsTsv.read(file).get(0).calls()).isEqualTo(odd);
    }

    @Test
    void identifiersAreCheckedNotEscaped() {
        List<String> calls = List.of("x");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "evil", "t", "r", InvocationKind.METHOD, calls))
                .hasMessageContaining("label must be benign or hostile");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "benign", "t 1", "r", InvocationKind.METHOD, calls))
                .hasMessageContaining("trace must be non-empty without whitespace");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "benign", "t", "ro\tle", InvocationKind.METHOD, calls))
                .hasMessageContaining("role must be");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "benign", "", "r", InvocationKind.METHOD, calls))
                .hasMessageContaining("trace must be");
        assertThatThrownBy(() -> new InvocationsTsv.Trace("benign", "t", "r", null, calls))
                .hasMessageContaining("kind must be METHOD or SYSCALL");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "benign", "t", "r", InvocationKind.METHOD, List.of()))
                .hasMessageContaining("has no calls");
        assertThatThrownBy(
                        () ->
                                new InvocationsTsv.Trace(
                                        "benign", "t", "r", InvocationKind.METHOD, List.of("")))
                .hasMessageContaining("empty call name");
    }

    @Test
    void readsGzipAndTheNormalAttackSpellingOfLabels() throws Exception {
        Path file = dir.resolve("seq.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(
                    ("label\ttrace\trole\tkind\tcalls\n"
                                    + "normal\ta\tdefault\tSYSCALL\tread write\n"
                                    + "attack\tb\tdefault\tSYSCALL\texecve\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        assertThat(InvocationsTsv.read(file))
                .extracting(InvocationsTsv.Trace::label)
                .containsExactly("benign", "hostile");
    }

    @Test
    void aFileNotInTheFormatIsNamedWithItsLine() throws Exception {
        Path noHeader = Files.writeString(dir.resolve("a.tsv"), "benign\tt\tr\tMETHOD\tx\n");
        assertThatThrownBy(() -> InvocationsTsv.read(noHeader))
                .hasMessageContaining("line 1 is not the header");
        Path short4 =
                Files.writeString(
                        dir.resolve("b.tsv"), InvocationsTsv.HEADER + "\nbenign\tt\tMETHOD\tx\n");
        assertThatThrownBy(() -> InvocationsTsv.read(short4))
                .hasMessageContaining("line 2 has 4 fields, not 5");
        Path badKind =
                Files.writeString(
                        dir.resolve("c.tsv"), InvocationsTsv.HEADER + "\nbenign\tt\tr\tLOG\tx\n");
        assertThatThrownBy(() -> InvocationsTsv.read(badKind))
                .hasMessageContaining("line 2: kind must be METHOD or SYSCALL");
    }

    @Test
    void neverOverwritesAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("invocations.tsv"), "precious");
        assertThatThrownBy(() -> InvocationsTsv.create(file))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(file).hasContent("precious");
    }
}

package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SyscallTableTest {
    static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    @Test
    void numbersMatchTheKernelHeader() throws IOException {
        assumeTrue(Files.isReadable(HEADER), "no kernel headers (linux-libc-dev) here");
        Map<String, Integer> header = new HashMap<>();
        Pattern define = Pattern.compile("#define __NR_(\\w+) (\\d+)");
        for (String line : Files.readAllLines(HEADER)) {
            Matcher m = define.matcher(line);
            if (m.matches()) {
                header.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        for (String name : SyscallTable.names()) {
            assertThat(SyscallTable.number(name)).as(name).contains(header.get(name));
        }
    }

    @Test
    void knowsTheCallsTheIssueNames() {
        assertThat(SyscallTable.number("ptrace")).contains(101);
        assertThat(SyscallTable.number("unshare")).contains(272);
        assertThat(SyscallTable.number("bpf")).contains(321);
        assertThat(SyscallTable.number("nope")).isEmpty();
    }
}

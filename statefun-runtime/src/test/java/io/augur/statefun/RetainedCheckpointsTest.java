package io.augur.statefun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir Path dir;

    @Test
    void noCheckpointInAnEmptyOrMissingDirectory() {
        assertThat(RetainedCheckpoints.newest(dir)).isEmpty();
        assertThat(RetainedCheckpoints.newest(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void picksTheNewestCompleteCheckpointAcrossJobs() throws Exception {
        Path oldJob = checkpoint("job-a", "chk-7", T0);
        Path newJob = checkpoint("job-b", "chk-2", T0.plusSeconds(60));
        // In progress: no _metadata yet, so it cannot be restored.
        Files.createDirectories(dir.resolve("job-b").resolve("chk-3"));

        assertThat(RetainedCheckpoints.newest(dir)).contains(newJob);
        assertThat(oldJob).exists();
    }

    @Test
    void sameTimeFallsBackToTheHigherNumber() throws Exception {
        checkpoint("job-a", "chk-4", T0);
        Path five = checkpoint("job-a", "chk-5", T0);

        assertThat(RetainedCheckpoints.newest(dir)).contains(five);
    }

    private Path checkpoint(String job, String chk, Instant written) throws Exception {
        Path chkDir = Files.createDirectories(dir.resolve(job).resolve(chk));
        Path metadata = Files.writeString(chkDir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(written));
        return chkDir;
    }
}

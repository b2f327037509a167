package io.augur.collector;

class InMemorySpoolTest extends SpoolContractTest {
    @Override
    Spool create(SpoolBound bound) {
        return new InMemorySpool(bound);
    }
}
